"""What an account holds: its open blocks, oldest vintage first (the order movements spend them).

Pages are cut in that order: the cursor is the last block's spending key, so a page never repeats
or skips a block while the account does not move.
"""

from __future__ import annotations

from domain.identity.principal import Principal
from domain.persistence.tables import Retirement
from domain.persistence.uow import UnitOfWork
from domain.registry import access, store
from domain.registry.blocks import Block, spending_order


def position(block: Block) -> list:
    """A block's place in the spending order, as plain values (for a cursor)."""
    return list(spending_order(block))


async def holdings(
    uow: UnitOfWork,
    principal: Principal,
    account_id: str,
    *,
    after: list | None = None,
    limit: int,
) -> list[Block]:
    """Up to `limit` open blocks of the account after position `after`, for those who may see."""
    account = await access.account(uow, account_id, field="account_id")
    access.check_may_see(principal, account)
    blocks = sorted((await store.held(uow, account.id)).blocks, key=spending_order)
    if after is not None:
        blocks = [b for b in blocks if position(b) > after]
    return blocks[:limit]


async def retirements_of(
    uow: UnitOfWork, principal: Principal, account_id: str, *, before: str | None, limit: int
) -> list[Retirement]:
    """The account's retirements, pending and released ones too, for those who may see it (the
    public registry lists only final ones)."""
    account = await access.account(uow, account_id, field="account_id")
    access.check_may_see(principal, account)
    return await uow.registry.retirements_of(account.id, before=before, limit=limit)
