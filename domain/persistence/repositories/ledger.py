from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.ledger.accounts import AccountState, DayTotals
from domain.ledger.chain import GENESIS
from domain.persistence.bulk import (
    execute_together,
    insert_many,
    insert_write,
    is_pg,
    lookup,
    update_many,
    update_write,
    upsert_many,
    upsert_write,
)
from domain.persistence.tables import CitizenDay, LedgerAccount, PointsLot, Posting, Trip

ACCOUNTS = LedgerAccount.__table__
POSTINGS = Posting.__table__
LOTS = PointsLot.__table__
DAYS = CitizenDay.__table__


TRIPS = Trip.__table__
TRIP_KEY = ["operator_id", "external_trip_id"]
_LOT_UPSERT: dict[str, Any] = {"keys": ["account_id", "expires_at"], "add": ["earned", "remaining"]}
_DAY_UPSERT: dict[str, Any] = {
    "keys": ["citizen_id", "day"],
    "replace": ["trips", "points", "reduction_g"],
}


def _lot_rows(amounts: dict[tuple[str, datetime], int]) -> list[dict[str, Any]]:
    return [
        {"account_id": a, "expires_at": e, "earned": n, "remaining": n}
        for (a, e), n in sorted(amounts.items())
    ]


def _account_rows(accounts: Iterable[AccountState]) -> list[dict[str, Any]]:
    return [
        {
            "id": a.id,
            "balance": a.balance,
            "entries": a.entries,
            "head_hash": a.head_hash,
            "reduction_g_total": a.reduction_g_total,
        }
        for a in accounts
    ]


class LedgerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def ensure_accounts(
        self, ids: Iterable[tuple[str, str, str | None]], now: datetime
    ) -> None:
        """Create (id, kind, citizen_id) accounts that do not exist yet, in one statement."""
        rows = [
            {
                "id": i,
                "kind": k,
                "citizen_id": c,
                "balance": 0,
                "entries": 0,
                "head_hash": GENESIS,
                "reduction_g_total": 0,
                "created_at": now,
            }
            for i, k, c in ids
        ]
        await insert_many(self.session, ACCOUNTS, rows, skip_conflicts_on=["id"])

    async def lock_accounts(
        self, ids: Sequence[str], *, skip_locked: bool = False
    ) -> dict[str, AccountState]:
        """Lock accounts in id order (no deadlocks) and return their state by id. With
        `skip_locked`, accounts another transaction holds are left out instead of waited for."""
        rows = await lookup(
            self.session,
            ACCOUNTS,
            ["id", "balance", "entries", "head_hash", "reduction_g_total"],
            key="id",
            values=sorted(set(ids)),
            for_update=True,
            skip_locked=skip_locked,
        )
        return {row[0]: AccountState(*row) for row in rows}

    async def existing_ids(self, ids: Sequence[str]) -> set[str]:
        rows = await lookup(self.session, ACCOUNTS, ["id"], key="id", values=sorted(set(ids)))
        return {row[0] for row in rows}

    async def account(self, account_id: str) -> LedgerAccount | None:
        return await self.session.get(LedgerAccount, account_id)

    async def add_postings(self, rows: list[dict[str, Any]]) -> None:
        await insert_many(self.session, POSTINGS, rows)

    async def save_accounts(self, accounts: Iterable[AccountState]) -> None:
        await self.save_accounts_rows(_account_rows(accounts))

    async def save_accounts_rows(self, rows: list[dict[str, Any]]) -> None:
        await update_many(self.session, ACCOUNTS, rows, key="id")

    async def add_to_lots(self, amounts: dict[tuple[str, datetime], int]) -> None:
        """Add points to (account, expiry) lots, creating them as needed."""
        await upsert_many(self.session, LOTS, _lot_rows(amounts), **_LOT_UPSERT)

    async def record_credit(
        self,
        postings: list[dict[str, Any]],
        accounts: Iterable[AccountState],
        lots: dict[tuple[str, datetime], int],
        days: list[dict[str, Any]],
        trips: list[dict[str, Any]],
    ) -> set[str]:
        """Write a batch's crediting: postings, account states, lots, day counters, and the new
        trips (ON CONFLICT DO NOTHING); returns the ids of the trips inserted.

        On PostgreSQL this is ONE statement (data-modifying CTEs), so the citizens' account locks
        are held for one round trip of writing instead of five."""
        trips = sorted(trips, key=lambda r: r["external_trip_id"])  # stable lock order
        account_rows = _account_rows(accounts)
        if not is_pg(self.session):
            await self.add_postings(postings)
            await self.save_accounts_rows(account_rows)
            await self.add_to_lots(lots)
            await self.save_days(days)
            found = await insert_many(
                self.session, TRIPS, trips, skip_conflicts_on=TRIP_KEY, returning="id"
            )
            return set(found)
        writes = []
        if postings:
            writes.append(insert_write(POSTINGS, postings, prefix="p_"))
        if account_rows:
            writes.append(update_write(ACCOUNTS, account_rows, key="id", prefix="a_"))
        if lots:
            writes.append(upsert_write(LOTS, _lot_rows(lots), prefix="l_", **_LOT_UPSERT))
        if days:
            writes.append(upsert_write(DAYS, days, prefix="d_", **_DAY_UPSERT))
        if trips:
            writes.append(
                insert_write(TRIPS, trips, prefix="t_", skip_conflicts_on=TRIP_KEY, returning="id")
            )
            return set(await execute_together(self.session, writes))
        await execute_together(self.session, writes)
        return set()

    async def restore_lots(self, amounts: dict[tuple[str, datetime], int]) -> None:
        """Give points back to (account, expiry) lots without counting them as earned again."""
        rows = [
            {"account_id": a, "expires_at": e, "earned": 0, "remaining": n}
            for (a, e), n in sorted(amounts.items())
        ]
        await upsert_many(
            self.session, LOTS, rows, keys=["account_id", "expires_at"], add=["remaining"]
        )

    async def accounts_with_expired_lots(self, now: datetime, *, limit: int) -> list[str]:
        stmt = (
            select(PointsLot.account_id)
            .where(PointsLot.expires_at <= now, PointsLot.remaining > 0)
            .group_by(PointsLot.account_id)
            .order_by(PointsLot.account_id)
            .limit(limit)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def expired_lots(
        self, account_ids: Sequence[str], now: datetime
    ) -> list[tuple[str, datetime, int]]:
        stmt = (
            select(PointsLot.account_id, PointsLot.expires_at, PointsLot.remaining)
            .where(
                PointsLot.account_id.in_(account_ids),
                PointsLot.expires_at <= now,
                PointsLot.remaining > 0,
            )
            .order_by(PointsLot.account_id, PointsLot.expires_at)
        )
        return [(a, e, int(n)) for a, e, n in await self.session.execute(stmt)]

    async def empty_lots(self, keys: Sequence[tuple[str, datetime]]) -> None:
        for account_id, expires_at in keys:
            await self.session.execute(
                update(PointsLot)
                .where(PointsLot.account_id == account_id, PointsLot.expires_at == expires_at)
                .values(remaining=0)
            )

    async def lots(self, account_id: str) -> list[PointsLot]:
        stmt = (
            select(PointsLot)
            .where(PointsLot.account_id == account_id, PointsLot.remaining > 0)
            .order_by(PointsLot.expires_at)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def take_from_lots(self, account_id: str, amount: int) -> dict[datetime, int]:
        """Take up to `amount` from the account's lots, the soonest-expiring first; returns how
        many points came from each lot (by expiry). Less than `amount` if the lots hold less."""
        left = amount
        taken: dict[datetime, int] = {}
        for lot in await self.lots(account_id):
            if left == 0:
                break
            used = min(lot.remaining, left)
            await self.session.execute(
                update(PointsLot)
                .where(PointsLot.account_id == account_id, PointsLot.expires_at == lot.expires_at)
                .values(remaining=PointsLot.remaining - used)
            )
            taken[lot.expires_at] = used
            left -= used
        return taken

    async def days(self, keys: Iterable[tuple[str, date]]) -> dict[tuple[str, date], DayTotals]:
        keys = set(keys)
        if not keys:
            return {}
        if is_pg(self.session):  # exactly these (citizen, day) rows, by primary key
            pairs = sorted(keys)
            stmt = text(
                "SELECT d.citizen_id, d.day, d.trips, d.points, d.reduction_g FROM unnest("
                "CAST(:c AS VARCHAR(26)[]), CAST(:d AS DATE[])) AS u(c, d) "
                "JOIN citizen_days d ON d.citizen_id = u.c AND d.day = u.d"
            )
            rows = await self.session.execute(
                stmt, {"c": [c for c, _ in pairs], "d": [d for _, d in pairs]}
            )
            return {(c, d): DayTotals(t, p, g) for c, d, t, p, g in rows}
        rows = await lookup(
            self.session,
            DAYS,
            ["citizen_id", "day", "trips", "points", "reduction_g"],
            key="citizen_id",
            values=sorted({k[0] for k in keys}),
            where="t.day BETWEEN :lo AND :hi",
            params={"lo": min(k[1] for k in keys), "hi": max(k[1] for k in keys)},
        )
        out = {}
        for cid, day, trips, points, grams in rows:
            day = date.fromisoformat(day) if isinstance(day, str) else day
            if (cid, day) in keys:
                out[(cid, day)] = DayTotals(trips, points, grams)
        return out

    async def save_days(self, rows: list[dict[str, Any]]) -> None:
        await upsert_many(self.session, DAYS, rows, **_DAY_UPSERT)

    async def day(self, citizen_id: str, day: date) -> CitizenDay | None:
        return await self.session.get(CitizenDay, (citizen_id, day))

    async def postings_page(
        self, account_id: str, *, before_seq: int | None, limit: int
    ) -> list[Posting]:
        stmt = (
            select(Posting)
            .where(Posting.chain_account == account_id)
            .order_by(Posting.seq.desc())
            .limit(limit)
        )
        if before_seq is not None:
            stmt = stmt.where(Posting.seq < before_seq)
        return list((await self.session.execute(stmt)).scalars())

    async def sum_by_account(self) -> dict[str, int]:
        """Every account's balance computed from postings: credits minus debits."""
        credits = select(Posting.credit_account, func.sum(Posting.amount)).group_by(
            Posting.credit_account
        )
        debits = select(Posting.debit_account, func.sum(Posting.amount)).group_by(
            Posting.debit_account
        )
        totals: dict[str, int] = {}
        for account, amount in await self.session.execute(credits):
            totals[account] = totals.get(account, 0) + int(amount)
        for account, amount in await self.session.execute(debits):
            totals[account] = totals.get(account, 0) - int(amount)
        return totals
