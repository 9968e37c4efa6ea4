"""Moving units between a holder and a listing's own account (its escrow), and out to a buyer.

A listing's units wait in a holding account of their own (`lst:{listing_id}`, kind `registry`,
owned by the seller's organisation), so the seller cannot move or retire them while they are
listed, and the registry's invariants (balances equal open blocks) hold as for any account.
Each move is a registry transfer: the accounts locked (sorted), the blocks planned and recorded,
two chained postings through the transit account. Only Class I units move here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from domain.ids import new_id
from domain.ledger.accounts import AccountState
from domain.persistence.tables import RegistryAccount, RegistryMovement
from domain.persistence.uow import UnitOfWork
from domain.registry import postings, store
from domain.registry.accounts import REGISTRY_KIND
from domain.registry.movements import transfer as plan_transfer
from domain.registry.transfers import named_serials


def escrow_account_id(listing_id: str) -> str:
    return f"lst:{listing_id}"


async def open_escrow(
    uow: UnitOfWork, listing_id: str, *, org_id: str | None, now: datetime
) -> RegistryAccount:
    account_id = escrow_account_id(listing_id)
    await uow.ledger.ensure_accounts([(account_id, REGISTRY_KIND, None)], now)
    account = RegistryAccount(
        id=account_id, org_id=org_id, kind="listing", name=f"listing {listing_id}", created_at=now
    )
    uow.registry.add_account(account)
    await uow.flush()
    return account


async def move(
    uow: UnitOfWork,
    *,
    from_account: str,
    to_account: str,
    quantity: int,
    actor: str,
    now: datetime,
    serials: Sequence[str] | None = None,
) -> tuple[RegistryMovement, dict[str, AccountState]]:
    """Transfer `quantity` Class I units (exactly `serials`, if named); returns the movement
    and the locked accounts."""
    named = named_serials(serials)
    locked = await postings.lock_holders(uow, [from_account, to_account], now)
    held = await store.to_spend(uow, from_account, quantity, unit_class="I", named=bool(named))
    plan = plan_transfer(held.blocks, quantity, sender=from_account, to=to_account, serials=named)
    movement_id = new_id()
    movement = await store.record(
        uow,
        plan,
        held.issuance_ids,
        movement_id=movement_id,
        kind="transfer",
        from_account=from_account,
        to_account=to_account,
        actor=actor,
        now=now,
    )
    out, into = locked[from_account], locked[to_account]
    await postings.write(
        uow, postings.transfer_rows(out, into, quantity, movement_id, now), [out, into]
    )
    return movement, locked
