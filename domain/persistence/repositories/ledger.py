from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.ledger.chain import GENESIS
from domain.persistence.dialect import insert
from domain.persistence.tables import CitizenDay, LedgerAccount, PointsLot, Posting


def citizen_account_id(citizen_id: str) -> str:
    return f"cit:{citizen_id}"


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
        if rows:
            stmt = insert(self.session, LedgerAccount).on_conflict_do_nothing()
            await self.session.execute(stmt, rows)

    async def lock_accounts(self, ids: Sequence[str]) -> dict[str, LedgerAccount]:
        """Lock accounts in a stable order (no deadlocks) and return them by id."""
        if not ids:
            return {}
        stmt = (
            select(LedgerAccount)
            .where(LedgerAccount.id.in_(sorted(set(ids))))
            .order_by(LedgerAccount.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return {a.id: a for a in (await self.session.execute(stmt)).scalars()}

    async def account(self, account_id: str) -> LedgerAccount | None:
        return await self.session.get(LedgerAccount, account_id)

    async def add_postings(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            await self.session.execute(insert(self.session, Posting), rows)

    async def save_accounts(self, accounts: Iterable[LedgerAccount]) -> None:
        rows = [
            {
                "id": a.id,
                "balance": a.balance,
                "entries": a.entries,
                "head_hash": a.head_hash,
                "reduction_g_total": a.reduction_g_total,
            }
            for a in accounts
        ]
        if rows:
            await self.session.execute(update(LedgerAccount), rows)

    async def add_to_lots(self, amounts: dict[tuple[str, datetime], int]) -> None:
        """Add points to (account, expiry) lots, creating them as needed."""
        if not amounts:
            return
        rows = [
            {"account_id": a, "expires_at": e, "earned": n, "remaining": n}
            for (a, e), n in sorted(amounts.items())
        ]
        stmt = insert(self.session, PointsLot)
        stmt = stmt.on_conflict_do_update(
            index_elements=["account_id", "expires_at"],
            set_={
                "earned": PointsLot.earned + stmt.excluded.earned,
                "remaining": PointsLot.remaining + stmt.excluded.remaining,
            },
        )
        await self.session.execute(stmt, rows)

    async def lots(self, account_id: str) -> list[PointsLot]:
        stmt = (
            select(PointsLot)
            .where(PointsLot.account_id == account_id, PointsLot.remaining > 0)
            .order_by(PointsLot.expires_at)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def days(self, keys: Iterable[tuple[str, date]]) -> dict[tuple[str, date], CitizenDay]:
        keys = list(set(keys))
        if not keys:
            return {}
        stmt = select(CitizenDay).where(tuple_(CitizenDay.citizen_id, CitizenDay.day).in_(keys))
        return {(d.citizen_id, d.day): d for d in (await self.session.execute(stmt)).scalars()}

    async def save_days(self, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        stmt = insert(self.session, CitizenDay)
        stmt = stmt.on_conflict_do_update(
            index_elements=["citizen_id", "day"],
            set_={
                "trips": stmt.excluded.trips,
                "points": stmt.excluded.points,
                "reduction_g": stmt.excluded.reduction_g,
            },
        )
        await self.session.execute(stmt, rows)

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
