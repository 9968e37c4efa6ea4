"""Registry movements as chained ledger postings, in tonnes (the rules everyone reads back).

A holding account is a chained ledger account; each posting is chained on the holding account's
side against a system account (issuance, transit, retired) that has no chain, so no hot row is
shared between unrelated movements. Idempotency keys derive from the movement id:
`reg:{movement_id}:in` for what an account receives, `reg:{movement_id}:out` for what it gives.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from domain.ledger.accounts import AccountState
from domain.ledger.postings import chained_row
from domain.persistence.uow import UnitOfWork
from domain.registry.accounts import ISSUED_FROM, RETIRED

TRANSIT = "sys:registry-transit"  # a transfer's two postings meet here; its balance stays 0
SYSTEM_ACCOUNTS = (ISSUED_FROM, TRANSIT, RETIRED)


async def lock_holders(
    uow: UnitOfWork, account_ids: Sequence[str], now: datetime
) -> dict[str, AccountState]:
    """Lock the holding accounts a movement touches (sorted ids: no deadlocks), after making
    sure the system counter accounts exist (before any lock, so creating them never waits while
    holding one)."""
    await uow.ledger.ensure_accounts([(a, "system", None) for a in SYSTEM_ACCOUNTS], now)
    return await uow.ledger.lock_accounts(sorted(set(account_ids)))


def issue_row(holder: AccountState, quantity: int, movement_id: str, now: datetime) -> dict:
    return chained_row(
        holder,
        kind="reg_issue",
        delta=quantity,
        counter_account=ISSUED_FROM,
        key=f"reg:{movement_id}:in",
        ref=movement_id,
        now=now,
    )


def transfer_rows(
    sender: AccountState, receiver: AccountState, quantity: int, movement_id: str, now: datetime
) -> list[dict]:
    out = chained_row(
        sender,
        kind="reg_transfer_out",
        delta=-quantity,
        counter_account=TRANSIT,
        key=f"reg:{movement_id}:out",
        ref=movement_id,
        now=now,
    )
    into = chained_row(
        receiver,
        kind="reg_transfer_in",
        delta=quantity,
        counter_account=TRANSIT,
        key=f"reg:{movement_id}:in",
        ref=movement_id,
        now=now,
    )
    return [out, into]


def retire_row(holder: AccountState, quantity: int, movement_id: str, now: datetime) -> dict:
    return chained_row(
        holder,
        kind="reg_retire",
        delta=-quantity,
        counter_account=RETIRED,
        key=f"reg:{movement_id}:out",
        ref=movement_id,
        now=now,
    )


def release_row(holder: AccountState, quantity: int, movement_id: str, now: datetime) -> dict:
    return chained_row(
        holder,
        kind="reg_release",
        delta=quantity,
        counter_account=RETIRED,
        key=f"reg:{movement_id}:in",
        ref=movement_id,
        now=now,
    )


async def write(uow: UnitOfWork, rows: list[dict], accounts: Sequence[AccountState]) -> None:
    """Store the postings and the locked accounts' new balances and chain heads."""
    await uow.ledger.add_postings(rows)
    await uow.ledger.save_accounts(accounts)
