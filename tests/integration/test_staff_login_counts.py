"""The staff sign-in counts in the database (both backends): one atomic upsert per attempt."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from domain.identity.lockout import Attempt, LockoutPolicy
from domain.persistence.tables import StaffLoginFailures
from domain.persistence.uow import Database

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
POLICY = LockoutPolicy(max_failures=3, window=timedelta(minutes=15), lock=timedelta(minutes=10))


async def _attempt(db: Database, username: str, at: datetime) -> Attempt:
    async with db.unit_of_work() as uow:
        return await uow.staff_logins.count_attempt(
            username,
            at,
            window_start=POLICY.window_start(at),
            max_failures=POLICY.max_failures,
            lock_until=POLICY.lock_until(at),
        )


async def _row(db: Database, username: str) -> StaffLoginFailures | None:
    async with db.unit_of_work() as uow:
        return await uow.session.get(StaffLoginFailures, username)


async def test_the_count_locks_refuses_while_locked_and_restarts_after(db: Database) -> None:
    first = [await _attempt(db, "ops1", NOW + timedelta(minutes=m)) for m in range(3)]
    assert [a.allowed for a in first] == [True, True, True]
    assert [a.locked_until for a in first] == [None, None, NOW + timedelta(minutes=12)]

    refused = await _attempt(db, "ops1", NOW + timedelta(minutes=11))
    assert refused == Attempt(allowed=False, locked_until=NOW + timedelta(minutes=12))
    row = await _row(db, "ops1")
    assert (row.failures, row.locked_until) == (3, NOW + timedelta(minutes=12))

    after = await _attempt(db, "ops1", NOW + timedelta(minutes=12))  # the lock has ended
    assert after == Attempt(allowed=True, locked_until=None)
    row = await _row(db, "ops1")
    assert (row.failures, row.window_started_at) == (1, NOW + timedelta(minutes=12))


async def test_a_count_older_than_the_window_restarts(db: Database) -> None:
    await _attempt(db, "ops2", NOW)
    await _attempt(db, "ops2", NOW + timedelta(minutes=1))
    later = NOW + POLICY.window + timedelta(seconds=1)
    assert await _attempt(db, "ops2", later) == Attempt(allowed=True, locked_until=None)
    assert (await _row(db, "ops2")).failures == 1


async def test_clear_forgets_the_count(db: Database) -> None:
    await _attempt(db, "ops3", NOW)
    async with db.unit_of_work() as uow:
        await uow.staff_logins.clear("ops3")
    assert await _row(db, "ops3") is None


async def test_purge_drops_only_counts_that_no_longer_matter(db: Database) -> None:
    for m in range(3):
        await _attempt(db, "locked", NOW + timedelta(minutes=m))  # locked until minute 12
    await _attempt(db, "old", NOW)
    await _attempt(db, "recent", NOW + timedelta(minutes=10))
    at = NOW + timedelta(minutes=11)
    async with db.unit_of_work() as uow:
        # "locked"'s window began at 0, before the window start: only its lock keeps it
        await uow.staff_logins.purge(at, window_start=NOW + timedelta(minutes=1))
    assert await _row(db, "old") is None
    assert await _row(db, "locked") is not None
    assert await _row(db, "recent") is not None


@pytest.mark.pg_only
async def test_concurrent_attempts_never_pass_the_limit(db: Database) -> None:
    attempts = await asyncio.gather(*(_attempt(db, "target", NOW) for _ in range(20)))
    assert sum(a.allowed for a in attempts) == POLICY.max_failures
    assert (await _row(db, "target")).failures == POLICY.max_failures
