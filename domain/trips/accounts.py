"""The accounts a trip touches: the operator account's keyed hash, and the citizens' ledger
accounts, opened when an account is linked and locked in id order while trips are credited."""

from __future__ import annotations

from datetime import datetime

from domain.crypto import DataProtector
from domain.ledger.accounts import AccountState, citizen_account_id
from domain.persistence.uow import UnitOfWork


def account_hash(protector: DataProtector, operator_id: str, external_account: str) -> str:
    return protector.keyed_hash(f"operator-account:{operator_id}", external_account)


async def lock_citizen_accounts(
    uow: UnitOfWork, citizens: list[str], now: datetime, *, skip_locked: bool = False
) -> dict[str, AccountState]:
    """Lock the citizens' accounts in id order. Accounts are opened when an account is linked
    (`ensure_citizen_account`), so the hot path only locks; a missing one is opened here.
    With `skip_locked`, accounts another transaction holds are left out (not waited for)."""
    ids = [citizen_account_id(c) for c in citizens]
    locked = await uow.ledger.lock_accounts(ids, skip_locked=skip_locked)
    if len(locked) < len(ids):
        absent = [i for i in ids if i not in locked]
        if skip_locked:  # not locked: held by another transaction, or not opened yet
            held = await uow.ledger.existing_ids(absent)
            absent = [i for i in absent if i not in held]
        missing = [c for c in citizens if citizen_account_id(c) in set(absent)]
        if missing:
            await ensure_citizen_accounts(uow, missing, now)
            locked |= await uow.ledger.lock_accounts(
                [citizen_account_id(c) for c in missing], skip_locked=skip_locked
            )
    return locked


async def ensure_citizen_accounts(uow: UnitOfWork, citizens: list[str], now: datetime) -> None:
    await uow.ledger.ensure_accounts(
        [(citizen_account_id(c), "citizen", c) for c in sorted(citizens)], now
    )
