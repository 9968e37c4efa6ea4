from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.persistence.dialect import insert
from domain.persistence.tables import FeedPull, OperatorFeed

RETRYABLE = ("not_ready", "failed")


class FeedRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, operator_id: str) -> OperatorFeed | None:
        return await self.session.get(OperatorFeed, operator_id)

    def add(self, feed: OperatorFeed) -> None:
        self.session.add(feed)

    async def enabled(self) -> list[OperatorFeed]:
        stmt = select(OperatorFeed).where(OperatorFeed.enabled.is_(True))
        return list((await self.session.execute(stmt)).scalars())

    async def claim(
        self, operator_id: str, hour: datetime, now: datetime, max_attempts: int
    ) -> bool:
        """True for exactly one caller per (operator, hour): a new claim, or a retry of a hour
        that was not ready or failed (a conditional update decides between concurrent callers)."""
        stmt = (
            insert(self.session, FeedPull).on_conflict_do_nothing().returning(FeedPull.operator_id)
        )
        row = {
            "operator_id": operator_id,
            "hour": hour,
            "status": "running",
            "attempts": 1,
            "records": 0,
            "credited": 0,
            "claimed_at": now,
        }
        if (await self.session.execute(stmt, [row])).first() is not None:
            return True
        retry = (
            update(FeedPull)
            .where(
                FeedPull.operator_id == operator_id,
                FeedPull.hour == hour,
                FeedPull.status.in_(RETRYABLE),
                FeedPull.attempts < max_attempts,
            )
            .values(status="running", attempts=FeedPull.attempts + 1, claimed_at=now)
        )
        return (await self.session.execute(retry)).rowcount == 1

    async def finish(
        self,
        operator_id: str,
        hour: datetime,
        status: str,
        now: datetime,
        *,
        records: int = 0,
        credited: int = 0,
        detail: str | None = None,
    ) -> None:
        await self.session.execute(
            update(FeedPull)
            .where(FeedPull.operator_id == operator_id, FeedPull.hour == hour)
            .values(
                status=status,
                records=records,
                credited=credited,
                detail=(detail or "")[:500] or None,
                finished_at=now,
            )
        )

    async def pulls(self, operator_id: str, limit: int) -> list[FeedPull]:
        stmt = (
            select(FeedPull)
            .where(FeedPull.operator_id == operator_id)
            .order_by(FeedPull.hour.desc())
            .limit(limit)
        )
        return list((await self.session.execute(stmt)).scalars())
