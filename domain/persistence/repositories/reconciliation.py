"""The payment reconciliation's records: runs, items (one per day, kind and order, inserted ON
CONFLICT so a run repeated never duplicates one), and the reads of our orders it compares with
the trade bill."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.persistence.dialect import insert
from domain.persistence.tables import MarketOrder, ReconciliationItem, ReconciliationRun

ITEMS = ReconciliationItem.__table__
REFRESHED = ("transaction_id", "order_status", "bill_fen", "our_fen", "detail")


class ReconciliationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # -- our side -------------------------------------------------------------------------------

    async def orders(self, order_ids: Iterable[str]) -> dict[str, MarketOrder]:
        ids = sorted(set(order_ids))
        if not ids:
            return {}
        stmt = select(MarketOrder).where(MarketOrder.id.in_(ids))
        return {o.id: o for o in (await self.session.execute(stmt)).scalars()}

    async def paid_between(
        self, start: datetime, end: datetime, statuses: Sequence[str]
    ) -> list[MarketOrder]:
        """Orders in one of `statuses` whose payment was taken in [start, end)."""
        stmt = (
            select(MarketOrder)
            .where(
                MarketOrder.status.in_(statuses),
                MarketOrder.paid_at >= start,
                MarketOrder.paid_at < end,
            )
            .order_by(MarketOrder.id)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def refunded_between(self, start: datetime, end: datetime) -> list[MarketOrder]:
        stmt = (
            select(MarketOrder)
            .where(
                MarketOrder.status == "refunded",
                MarketOrder.refunded_at >= start,
                MarketOrder.refunded_at < end,
            )
            .order_by(MarketOrder.id)
        )
        return list((await self.session.execute(stmt)).scalars())

    # -- runs -----------------------------------------------------------------------------------

    def add_run(self, run: ReconciliationRun) -> None:
        self.session.add(run)

    async def latest_runs(self, days: Iterable[date]) -> list[ReconciliationRun]:
        """The latest run of each of these days, newest day first."""
        wanted = sorted(set(days))
        if not wanted:
            return []
        latest = (
            select(ReconciliationRun.day, func.max(ReconciliationRun.id).label("id"))
            .where(ReconciliationRun.day.in_(wanted))
            .group_by(ReconciliationRun.day)
            .subquery()
        )
        stmt = (
            select(ReconciliationRun)
            .join(latest, ReconciliationRun.id == latest.c.id)
            .order_by(ReconciliationRun.day.desc())
        )
        return list((await self.session.execute(stmt)).scalars())

    async def latest_run(self) -> ReconciliationRun | None:
        stmt = select(ReconciliationRun).order_by(ReconciliationRun.id.desc()).limit(1)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    # -- items ----------------------------------------------------------------------------------

    async def upsert_items(self, rows: list[dict[str, Any]]) -> int:
        """Insert the items not yet known for their (day, kind, order); refresh the figures of
        those still open; leave resolved ones as they are. Returns how many are new."""
        new = 0
        for row in rows:  # a handful a day: one statement each keeps both dialects simple
            stmt = insert(self.session, ITEMS).values(row)
            stmt = stmt.on_conflict_do_update(
                index_elements=["day", "kind", "order_no"],
                set_={name: stmt.excluded[name] for name in REFRESHED},
                where=ITEMS.c.status == "open",
            ).returning(ITEMS.c.id)
            found = (await self.session.execute(stmt)).scalar_one_or_none()
            new += found == row["id"]
        return new

    async def clear_gone(
        self, day: date, still: set[tuple[str, str]], by: str, now: datetime
    ) -> list[str]:
        """Resolve the open items of `day` this run no longer finds (as `cleared`)."""
        stmt = select(ReconciliationItem.id, ReconciliationItem.kind, ReconciliationItem.order_no)
        stmt = stmt.where(ReconciliationItem.day == day, ReconciliationItem.status == "open")
        gone = [i for i, k, o in (await self.session.execute(stmt)).all() if (k, o) not in still]
        for item_id in gone:
            await self.resolve(
                item_id, by=by, now=now, resolution="cleared", outcome=None, note=None
            )
        return gone

    async def item(self, item_id: str) -> ReconciliationItem | None:
        stmt = (
            select(ReconciliationItem)
            .where(ReconciliationItem.id == item_id)
            .execution_options(populate_existing=True)
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def items(
        self,
        *,
        status: str | None = None,
        day: date | None = None,
        before: str | None = None,
        limit: int = 20,
    ) -> list[ReconciliationItem]:
        """Items newest first (by id, which is time-ordered), after the cursor `before`."""
        stmt = select(ReconciliationItem).order_by(ReconciliationItem.id.desc()).limit(limit)
        if status is not None:
            stmt = stmt.where(ReconciliationItem.status == status)
        if day is not None:
            stmt = stmt.where(ReconciliationItem.day == day)
        if before is not None:
            stmt = stmt.where(ReconciliationItem.id < before)
        return list((await self.session.execute(stmt)).scalars())

    async def resolve(
        self,
        item_id: str,
        *,
        by: str,
        now: datetime,
        resolution: str,
        outcome: str | None,
        note: str | None,
    ) -> bool:
        """Resolve an open item (one conditional UPDATE: two staff racing, one wins)."""
        stmt = (
            update(ReconciliationItem)
            .where(ReconciliationItem.id == item_id, ReconciliationItem.status == "open")
            .values(
                status="resolved",
                resolution=resolution,
                outcome=outcome,
                note=note,
                resolved_by=by,
                resolved_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        return (await self.session.execute(stmt)).rowcount == 1
