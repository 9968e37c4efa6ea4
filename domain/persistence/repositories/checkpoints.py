"""Daily ledger checkpoints: the chain heads and day totals they are computed from, and the
published rows."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.persistence.dialect import insert
from domain.persistence.tables import Checkpoint, Posting, RegistryMovement, Retirement, Trip


class CheckpointRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def heads_at(self, moment: datetime) -> list[tuple[str, int, str]]:
        """(account, seq, hash) of each chained account's last posting before `moment`, by
        account."""
        last = (
            select(Posting.chain_account, func.max(Posting.seq).label("seq"))
            .where(Posting.created_at < moment)
            .group_by(Posting.chain_account)
            .subquery()
        )
        stmt = (
            select(Posting.chain_account, Posting.seq, Posting.hash)
            .join(
                last, (Posting.chain_account == last.c.chain_account) & (Posting.seq == last.c.seq)
            )
            .order_by(Posting.chain_account)
        )
        return [(a, int(s), h) for a, s, h in await self.session.execute(stmt)]

    async def posting_totals(self, start: datetime, end: datetime) -> tuple[int, int]:
        """(postings, points earned) in [start, end)."""
        stmt = select(
            func.count(),
            func.coalesce(func.sum(Posting.amount).filter(Posting.kind == "earn"), 0),
        ).where(Posting.created_at >= start, Posting.created_at < end)
        postings, earned = (await self.session.execute(stmt)).one()
        return int(postings), int(earned)

    async def credited_totals(self, day: date) -> tuple[int, int]:
        """(credited trips, grams of CO2e they saved) on `day`."""
        stmt = select(func.count(), func.coalesce(func.sum(Trip.reduction_g), 0)).where(
            Trip.status == "credited", Trip.day == day
        )
        trips, grams = (await self.session.execute(stmt)).one()
        return int(trips), int(grams)

    async def registry_totals(self, start: datetime, end: datetime) -> tuple[int, int, int]:
        """(registry movements, tonnes issued, tonnes whose retirement became final) in
        [start, end)."""
        moved = select(
            func.count(),
            func.coalesce(
                func.sum(RegistryMovement.quantity).filter(RegistryMovement.kind == "issue"), 0
            ),
        ).where(RegistryMovement.created_at >= start, RegistryMovement.created_at < end)
        movements, issued = (await self.session.execute(moved)).one()
        final = select(func.coalesce(func.sum(Retirement.quantity), 0)).where(
            Retirement.status == "retired",
            Retirement.retired_at >= start,
            Retirement.retired_at < end,
        )
        retired = (await self.session.execute(final)).scalar_one()
        return int(movements), int(issued), int(retired)

    async def add_once(self, row: dict[str, Any]) -> Checkpoint:
        """Insert the day's checkpoint unless one exists; return the day's row either way."""
        await self.session.execute(insert(self.session, Checkpoint).on_conflict_do_nothing(), [row])
        return await self.session.get(Checkpoint, row["day"])

    async def recent(self, limit: int, before: date | None) -> list[Checkpoint]:
        stmt = select(Checkpoint).order_by(Checkpoint.day.desc()).limit(limit)
        if before is not None:
            stmt = stmt.where(Checkpoint.day < before)
        return list((await self.session.execute(stmt)).scalars())
