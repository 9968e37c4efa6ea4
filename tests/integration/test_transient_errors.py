"""A real PostgreSQL deadlock is recognised as transient: 503 with Retry-After, not a 500."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from api.errors import dbapi_to_problem

pytestmark = pytest.mark.pg_only


async def test_a_deadlock_becomes_a_retryable_problem(migrated) -> None:
    await _deadlock_table(migrated)
    a_locked, b_locked = asyncio.Event(), asyncio.Event()

    async def worker(first: int, second: int, mine: asyncio.Event, other: asyncio.Event):
        async with migrated.begin() as conn:
            await conn.execute(
                text("SELECT id FROM _puhui_dl WHERE id = :i FOR UPDATE"), {"i": first}
            )
            mine.set()
            await other.wait()
            await conn.execute(
                text("SELECT id FROM _puhui_dl WHERE id = :i FOR UPDATE"), {"i": second}
            )

    results = await asyncio.gather(
        worker(1, 2, a_locked, b_locked), worker(2, 1, b_locked, a_locked), return_exceptions=True
    )
    await _drop(migrated)
    [error] = [r for r in results if isinstance(r, BaseException)]
    assert isinstance(error, DBAPIError)
    response = dbapi_to_problem(None, error)
    assert response.status_code == 503
    assert response.content["code"] == "transient_conflict"
    assert response.headers["Retry-After"] == "1"


async def _deadlock_table(engine) -> None:
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE IF NOT EXISTS _puhui_dl (id int primary key)"))
        await conn.execute(text("INSERT INTO _puhui_dl VALUES (1), (2) ON CONFLICT DO NOTHING"))


async def _drop(engine) -> None:
    async with engine.begin() as conn:
        await conn.execute(text("DROP TABLE _puhui_dl"))
