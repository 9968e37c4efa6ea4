"""Migration 0010 (raw taps in any order) on a database of its own: the tap-ins kept before it
stay tap-ins, and going back keeps what the older schema can hold, each account's newest tap-in."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from domain.persistence.base import UTCDateTime
from domain.persistence.engine import build_engine
from migrations import runner

PG_ADMIN_URL = os.environ.get("PUHUI_TEST_POSTGRES_URL")
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
OPERATORS = sa.table(
    "operators",
    sa.column("id"),
    sa.column("name"),
    sa.column("kind"),
    sa.column("active"),
    sa.column("created_at", UTCDateTime()),
)


def _open_taps(*extra: sa.ColumnClause) -> sa.TableClause:
    return sa.table(
        "open_taps",
        sa.column("operator_id"),
        sa.column("account_hash"),
        sa.column("station"),
        sa.column("tapped_at", UTCDateTime()),
        sa.column("device"),
        *extra,
    )


OLD_TAPS = _open_taps()  # before 0010
TAPS = _open_taps(sa.column("direction"), sa.column("neighbour_at", UTCDateTime()))


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """An empty database, not the session's migrated one."""
    if not PG_ADMIN_URL:
        engine = build_engine(f"sqlite+aiosqlite:///{tmp_path / 'taps.db'}", pool_size=1)
        yield engine
        await engine.dispose()
        return
    admin = create_async_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"puhui_taps_{uuid.uuid4().hex[:12]}"
    async with admin.connect() as conn:
        await conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    engine = build_engine(url, pool_size=1)
    try:
        yield engine
    finally:
        await engine.dispose()
        async with admin.connect() as conn:
            await conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


async def _downgrade(engine: AsyncEngine, revision: str) -> None:
    def run(connection: Connection) -> None:
        cfg = runner.config()
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, revision)

    async with engine.begin() as conn:
        await conn.run_sync(run)


async def _rows(engine: AsyncEngine, table: sa.TableClause) -> list[tuple]:
    async with engine.connect() as conn:
        result = await conn.execute(
            sa.select(*table.c).order_by(table.c.account_hash, table.c.tapped_at)
        )
        return [tuple(r) for r in result]


async def test_kept_tap_ins_stay_tap_ins_and_going_back_keeps_the_newest(engine) -> None:
    await runner.upgrade(engine, "0009")
    async with engine.begin() as conn:
        await conn.execute(
            sa.insert(OPERATORS).values(
                id="op-1", name="Metro", kind="metro", active=True, created_at=T0
            )
        )
        await conn.execute(
            sa.insert(OLD_TAPS).values(
                operator_id="op-1", account_hash="h1", station="A", tapped_at=T0, device="g1"
            )
        )

    await runner.upgrade(engine, "0010")
    assert await _rows(engine, TAPS) == [("op-1", "h1", "A", T0, "g1", "in", None)]
    later, long_station = T0 + timedelta(minutes=30), "S" * 128
    async with engine.begin() as conn:
        await conn.execute(
            sa.insert(TAPS),
            [
                {**row, "operator_id": "op-1", "device": None, "neighbour_at": None}
                for row in (
                    {"account_hash": "h1", "station": "B", "tapped_at": later, "direction": "in"},
                    {"account_hash": "h1", "station": "C", "tapped_at": T0, "direction": "out"},
                    {"account_hash": "h2", "station": "D", "tapped_at": T0, "direction": "out"},
                    {
                        "account_hash": "h3",
                        "station": long_station,
                        "tapped_at": T0,
                        "direction": "in",
                    },
                )
            ],
        )
        with pytest.raises(sa.exc.IntegrityError):  # the CHECK on the direction
            async with conn.begin_nested():
                await conn.execute(
                    sa.insert(TAPS).values(
                        operator_id="op-1",
                        account_hash="h4",
                        station="E",
                        tapped_at=T0,
                        direction="up",
                    )
                )

    await _downgrade(engine, "0009")
    assert await _rows(engine, OLD_TAPS) == [("op-1", "h1", "B", later, None)]
    await runner.upgrade(engine)
    assert await runner.drift(engine) == []
