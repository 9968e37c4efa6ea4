"""Postings that take points out of a citizen account (spending oldest lots first)."""

from __future__ import annotations

from datetime import datetime

from domain.errors import Conflict
from domain.ids import new_id
from domain.ledger.accounts import AccountState, citizen_account_id
from domain.ledger.chain import entry_hash
from domain.persistence.uow import UnitOfWork

ERASURE = "sys:erasure"


class InsufficientPoints(Conflict):
    """The account does not hold enough points."""

    code = "insufficient_points"


def chained_row(
    account: AccountState,
    *,
    kind: str,
    delta: int,
    counter_account: str,
    key: str,
    ref: str | None,
    now: datetime,
    trip_id: str | None = None,
    trip_fingerprint: str | None = None,
) -> dict:
    """Move `delta` (signed, from the account's side) and extend the account's chain."""
    if account.balance + delta < 0:
        raise InsufficientPoints(f"balance {account.balance}, needed {-delta}")
    account.balance += delta
    account.entries += 1
    digest = entry_hash(
        prev_hash=account.head_hash,
        account=account.id,
        seq=account.entries,
        kind=kind,
        delta=delta,
        balance_after=account.balance,
        idempotency_key=key,
        counter_account=counter_account,
        trip_fingerprint=trip_fingerprint,
        created_at=now,
    )
    row = {
        "id": new_id(),
        "idempotency_key": key,
        "kind": kind,
        "amount": abs(delta),
        "debit_account": counter_account if delta > 0 else account.id,
        "credit_account": account.id if delta > 0 else counter_account,
        "chain_account": account.id,
        "seq": account.entries,
        "balance_after": account.balance,
        "prev_hash": account.head_hash,
        "hash": digest,
        "trip_id": trip_id,
        "trip_fingerprint": trip_fingerprint,
        "ref": ref,
        "created_at": now,
    }
    account.head_hash = digest
    return row


async def take_from_lots(uow: UnitOfWork, account_id: str, amount: int) -> dict[datetime, int]:
    """Consume `amount` from the account's lots, the soonest-expiring first.

    Returns how many points came from each lot (by expiry), so a refund can put them back.
    """
    taken = await uow.ledger.take_from_lots(account_id, amount)
    if sum(taken.values()) < amount:
        raise InsufficientPoints("lots hold fewer points than the balance")
    return taken


async def debit(
    uow: UnitOfWork,
    account: AccountState,
    *,
    amount: int,
    kind: str,
    counter_account: str,
    key: str,
    ref: str | None,
    now: datetime,
    taken: dict[datetime, int] | None = None,
) -> dict:
    """Take points out of a locked citizen account: one posting, oldest lots first.

    Pass a dict as `taken` to learn how many points came from each lot (by expiry)."""
    await uow.ledger.ensure_accounts([(counter_account, "system", None)], now)
    row = chained_row(
        account,
        kind=kind,
        delta=-amount,
        counter_account=counter_account,
        key=key,
        ref=ref,
        now=now,
    )
    consumed = await take_from_lots(uow, account.id, amount)
    if taken is not None:
        taken.update(consumed)
    await uow.ledger.add_postings([row])
    await uow.ledger.save_accounts([account])
    return row


async def credit(
    uow: UnitOfWork,
    account: AccountState,
    *,
    lots: dict[datetime, int],
    kind: str,
    counter_account: str,
    key: str,
    ref: str | None,
    now: datetime,
) -> dict:
    """Put points into a locked citizen account: one posting, the points into lots by expiry.

    A refund passes the lots its points came from, so they keep their original expiry.
    """
    amount = sum(lots.values())
    await uow.ledger.ensure_accounts([(counter_account, "system", None)], now)
    row = chained_row(
        account,
        kind=kind,
        delta=amount,
        counter_account=counter_account,
        key=key,
        ref=ref,
        now=now,
    )
    await uow.ledger.restore_lots({(account.id, e): n for e, n in lots.items() if n > 0})
    await uow.ledger.add_postings([row])
    await uow.ledger.save_accounts([account])
    return row


async def locked_citizen_account(uow: UnitOfWork, citizen_id: str, now: datetime) -> AccountState:
    """The citizen's points account, created if missing, locked until the transaction ends."""
    account_id = citizen_account_id(citizen_id)
    await uow.ledger.ensure_accounts([(account_id, "citizen", citizen_id)], now)
    return (await uow.ledger.lock_accounts([account_id]))[account_id]
