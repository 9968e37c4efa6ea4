"""Counting staff sign-in attempts per username: one upsert per attempt, atomic on both
backends (PostgreSQL row lock on conflict, SQLite's single writer)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, case, delete, literal, null, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.identity.lockout import Attempt
from domain.persistence.base import UTCDateTime
from domain.persistence.dialect import insert
from domain.persistence.tables import StaffLoginFailures

_t = StaffLoginFailures.__table__
PURGE_BATCH = 100


def _at(moment: datetime) -> object:
    return literal(moment, UTCDateTime())


class StaffLoginRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def count_attempt(
        self,
        username: str,
        now: datetime,
        *,
        window_start: datetime,
        max_failures: int,
        lock_until: datetime,
    ) -> Attempt:
        """Count one attempt unless a lock holds. The count restarts when its window began at
        or before `window_start` or when its lock has ended; reaching `max_failures` sets the
        lock. A held lock refuses the attempt and leaves the row as it was."""
        stale = or_(_t.c.window_started_at <= _at(window_start), _t.c.locked_until <= _at(now))
        count = case((stale, 1), else_=_t.c.failures + 1)
        stmt = (
            insert(self.session, _t)
            .values(
                username=username,
                failures=1,
                window_started_at=now,
                locked_until=lock_until if max_failures <= 1 else None,
            )
            .on_conflict_do_update(
                index_elements=[_t.c.username],
                set_={
                    "failures": count,
                    "window_started_at": case((stale, _at(now)), else_=_t.c.window_started_at),
                    "locked_until": case((count >= max_failures, _at(lock_until)), else_=null()),
                },
                where=or_(_t.c.locked_until.is_(None), _t.c.locked_until <= _at(now)),
            )
            .returning(_t.c.locked_until)
        )
        row = (await self.session.execute(stmt)).first()
        if row is not None:
            return Attempt(allowed=True, locked_until=row[0])
        held = await self.session.scalar(select(_t.c.locked_until).where(_t.c.username == username))
        return Attempt(allowed=False, locked_until=held)

    async def clear(self, username: str) -> None:
        """A success: the count starts again from nothing."""
        await self.session.execute(delete(_t).where(_t.c.username == username))

    async def purge(self, now: datetime, *, window_start: datetime) -> None:
        """Forget a batch of counts that no longer matter (window over, no lock holding); rows
        another transaction holds are skipped, never waited for."""
        dead = (
            select(_t.c.username)
            .where(
                and_(
                    _t.c.window_started_at <= _at(window_start),
                    or_(_t.c.locked_until.is_(None), _t.c.locked_until <= _at(now)),
                )
            )
            .limit(PURGE_BATCH)
            .with_for_update(skip_locked=True)
        )
        await self.session.execute(delete(_t).where(_t.c.username.in_(dead)))
