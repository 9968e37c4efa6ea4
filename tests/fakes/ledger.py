"""The ledger in memory: accounts, postings, lots and day counters, with the database's rules
(unique idempotency key and chain position, balances and lots never negative, row locks)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any

from domain.ledger.accounts import AccountState
from domain.ledger.chain import GENESIS
from domain.persistence.tables import CitizenDay, LedgerAccount, PointsLot, Posting
from tests.fakes.invariants import ledger_problems
from tests.fakes.lots import LotsAndDays
from tests.fakes.state import Stored, violation
from tests.fakes.trips import FakeTrips

# What migration 0002a opens (the unit test test_usecase_fake_uow.py keeps the two equal).
SYSTEM_ACCOUNTS = (
    "sys:issuance",
    "sys:expiry",
    "sys:donation",
    "sys:redemption",
    "sys:erasure",
    "sys:adjustment",
)


class FakeLedger(LotsAndDays, Stored):
    tables = ("accounts", "postings", "lots_by_key", "days_by_key")

    def __init__(self, trips: FakeTrips, stage: Callable[[], int], now: datetime) -> None:
        self.accounts: dict[str, LedgerAccount] = {}
        self.postings: list[Posting] = []
        self.lots_by_key: dict[tuple[str, datetime], PointsLot] = {}
        self.days_by_key: dict[tuple[str, date], CitizenDay] = {}
        self._trips = trips
        self._stage = stage
        # account id -> the stage from which another transaction no longer holds its row lock
        self._held: dict[str, int] = {}
        self.lock_calls: list[tuple[list[str], bool]] = []
        for account_id in SYSTEM_ACCOUNTS:
            self._open(account_id, "system", None, now)

    # -- test controls -------------------------------------------------------------------------

    def hold(self, account_id: str, *, until_stage: int = 1) -> None:
        """Another transaction holds this account's row until `until_stage` stages committed."""
        self._held[account_id] = until_stage

    def _is_held(self, account_id: str) -> bool:
        return self._stage() < self._held.get(account_id, 0)

    # -- the repository ------------------------------------------------------------------------

    def _open(self, account_id: str, kind: str, citizen_id: str | None, now: datetime) -> None:
        self.accounts[account_id] = LedgerAccount(
            id=account_id,
            kind=kind,
            citizen_id=citizen_id,
            balance=0,
            entries=0,
            head_hash=GENESIS,
            reduction_g_total=0,
            created_at=now,
        )

    async def ensure_accounts(
        self, ids: Iterable[tuple[str, str, str | None]], now: datetime
    ) -> None:
        for account_id, kind, citizen_id in ids:
            if account_id in self.accounts:
                continue  # ON CONFLICT (id) DO NOTHING
            if citizen_id is not None and any(
                a.citizen_id == citizen_id for a in self.accounts.values()
            ):
                raise violation("UNIQUE ledger_accounts.citizen_id")
            self._open(account_id, kind, citizen_id, now)

    async def lock_accounts(
        self, ids: Sequence[str], *, skip_locked: bool = False
    ) -> dict[str, AccountState]:
        wanted = sorted(set(ids))
        self.lock_calls.append((wanted, skip_locked))
        out = {}
        for account_id in wanted:
            row = self.accounts.get(account_id)
            if row is None:
                continue
            if self._is_held(account_id):
                if skip_locked:
                    continue
                raise RuntimeError(f"would wait forever for {account_id}, held elsewhere")
            out[account_id] = AccountState(
                row.id, row.balance, row.entries, row.head_hash, row.reduction_g_total
            )
        return out

    async def existing_ids(self, ids: Sequence[str]) -> set[str]:
        return {i for i in ids if i in self.accounts}

    async def account(self, account_id: str) -> LedgerAccount | None:
        return self.accounts.get(account_id)

    async def add_postings(self, rows: list[dict[str, Any]]) -> None:
        keys = {p.idempotency_key for p in self.postings}
        chain = {(p.chain_account, p.seq) for p in self.postings}
        for row in rows:
            if row["idempotency_key"] in keys:
                raise violation("UNIQUE ledger_postings.idempotency_key")
            if (row["chain_account"], row["seq"]) in chain:
                raise violation("UNIQUE ledger_postings.chain_account, seq")
            if row["amount"] <= 0:
                raise violation("CHECK amount_positive")
            if row["debit_account"] == row["credit_account"]:
                raise violation("CHECK distinct_accounts")
            for side in ("debit_account", "credit_account", "chain_account"):
                if row[side] not in self.accounts:
                    raise violation(f"FOREIGN KEY ledger_postings.{side}")
            keys.add(row["idempotency_key"])
            chain.add((row["chain_account"], row["seq"]))
            self.postings.append(Posting(**row))

    async def save_accounts(self, accounts: Iterable[AccountState]) -> None:
        await self.save_accounts_rows(
            [
                {
                    "id": a.id,
                    "balance": a.balance,
                    "entries": a.entries,
                    "head_hash": a.head_hash,
                    "reduction_g_total": a.reduction_g_total,
                }
                for a in accounts
            ]
        )

    async def save_accounts_rows(self, rows: list[dict[str, Any]]) -> None:
        for row in rows:
            if row["balance"] < 0:
                raise violation("CHECK balance_not_negative")
        for row in rows:
            account = self.accounts.get(row["id"])
            if account is not None:  # UPDATE ... WHERE id = :id
                for name, value in row.items():
                    setattr(account, name, value)

    async def record_credit(
        self,
        postings: list[dict[str, Any]],
        accounts: Iterable[AccountState],
        lots: dict[tuple[str, datetime], int],
        days: list[dict[str, Any]],
        trips: list[dict[str, Any]],
    ) -> set[str]:
        await self.add_postings(postings)
        await self.save_accounts(accounts)
        await self.add_to_lots(lots)
        await self.save_days(days)
        return self._trips.insert_new(sorted(trips, key=lambda r: r["external_trip_id"]))

    async def postings_page(
        self, account_id: str, *, before_seq: int | None, limit: int
    ) -> list[Posting]:
        rows = [
            p
            for p in self.postings
            if p.chain_account == account_id and (before_seq is None or p.seq < before_seq)
        ]
        return sorted(rows, key=lambda p: p.seq, reverse=True)[:limit]

    async def sum_by_account(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for p in self.postings:
            totals[p.credit_account] = totals.get(p.credit_account, 0) + p.amount
            totals[p.debit_account] = totals.get(p.debit_account, 0) - p.amount
        return totals

    # -- what tests read -----------------------------------------------------------------------

    def balance(self, account_id: str) -> int:
        return self.accounts[account_id].balance

    def chain(self, account_id: str) -> list[Posting]:
        return sorted(
            (p for p in self.postings if p.chain_account == account_id), key=lambda p: p.seq
        )

    def problems(self) -> list[str]:
        """Every ledger invariant this state breaks (empty when sound)."""
        return ledger_problems(self)
