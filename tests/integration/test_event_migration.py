"""Migration 0015 (carbon-neutral events) on a database of its own: it installs EVT v1 with the
values of METHODOLOGY.md in integer mg, its tables hold their constraints, and going back to 0014
with events and their retirements stored removes the events and keeps the retirements."""

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
T0 = datetime(2026, 4, 12, 0, 30, tzinfo=UTC)
EVT_V1_ID = "00000000000000000000EVT001"
EVT_V1_MG = {
    "electricity": ("kWh", 561_700),
    "travel_car": ("person-km", 120_000),
    "travel_bus": ("person-km", 93_100),
    "travel_metro": ("person-km", 73_200),
    "travel_rail": ("person-km", 40_000),
    "travel_air": ("person-km", 150_000),
    "hotel": ("room-night", 15_000_000),
    "meal": ("meal", 2_500_000),
    "printed_material": ("kg", 1_500_000),
}

FACTOR_SETS = sa.table(
    "event_factor_sets",
    *(sa.column(c) for c in ("id", "code", "version", "title", "published_by")),
    sa.column("factors", sa.JSON()),
    sa.column("published_at", UTCDateTime()),
)
ORGANISATIONS = sa.table(
    "organisations",
    *(sa.column(c) for c in ("id", "name", "uscc", "kind", "district", "status")),
    sa.column("contact", sa.JSON()),
    sa.column("created_at", UTCDateTime()),
)
EVENTS = sa.table(
    "carbon_events",
    *(sa.column(c) for c in ("id", "org_id", "name", "venue", "attendees", "factor_set_id")),
    *(sa.column(c) for c in ("factor_set_code", "factor_set_version", "created_by")),
    *(sa.column(c) for c in ("footprint_mg", "footprint_kg", "tonnes_required")),
    sa.column("activity", sa.JSON()),
    sa.column("breakdown", sa.JSON()),
    *(sa.column(c, UTCDateTime()) for c in ("starts_at", "ends_at", "created_at")),
)
RETIREMENTS = sa.table(
    "retirements",
    *(sa.column(c) for c in ("id", "account_id", "org_id", "quantity", "beneficiary")),
    *(sa.column(c) for c in ("purpose", "details", "status", "movement_id", "created_by")),
    sa.column("serial_ranges", sa.JSON()),
    *(sa.column(c, UTCDateTime()) for c in ("created_at", "retired_at")),
)
LINKS = sa.table(
    "event_retirements",
    *(sa.column(c) for c in ("retirement_id", "event_id", "quantity")),
    sa.column("created_at", UTCDateTime()),
)


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """An empty database, not the session's migrated one."""
    if not PG_ADMIN_URL:
        engine = build_engine(f"sqlite+aiosqlite:///{tmp_path / 'events.db'}", pool_size=1)
        yield engine
        await engine.dispose()
        return
    admin = create_async_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"puhui_events_{uuid.uuid4().hex[:12]}"
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


async def _tables(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as conn:
        return set(await conn.run_sync(lambda c: sa.inspect(c).get_table_names()))


async def _factor_sets(engine: AsyncEngine) -> list[tuple]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            sa.select(FACTOR_SETS.c.id, FACTOR_SETS.c.code, FACTOR_SETS.c.version).order_by(
                FACTOR_SETS.c.version
            )
        )
        return [tuple(r) for r in rows]


def _event(event_id: str, **changed) -> dict:
    return {
        "id": event_id,
        "org_id": "ORG0000000000000000000000A",
        "name": "Marathon",
        "venue": "Olympic Sports Centre",
        "attendees": 30_000,
        "factor_set_id": EVT_V1_ID,
        "factor_set_code": "EVT",
        "factor_set_version": 1,
        "created_by": None,
        "footprint_mg": 561_700,
        "footprint_kg": 1,
        "tonnes_required": 1,
        "activity": {"electricity": 1},
        "breakdown": [],
        "starts_at": T0,
        "ends_at": T0 + timedelta(hours=7),
        "created_at": T0,
        **changed,
    }


async def _refused(engine: AsyncEngine, statement) -> None:
    with pytest.raises(sa.exc.IntegrityError):
        async with engine.begin() as conn:
            await conn.execute(statement)


async def test_0015_installs_evt_v1_and_goes_back_keeping_the_retirements(engine) -> None:
    await runner.upgrade(engine, "0015")
    assert {"event_factor_sets", "carbon_events", "event_retirements"} <= await _tables(engine)
    async with engine.connect() as conn:
        (row,) = (await conn.execute(sa.select(FACTOR_SETS))).mappings().all()
    assert (row["id"], row["code"], row["version"]) == (EVT_V1_ID, "EVT", 1)
    assert row["published_at"] <= T0
    factors = row["factors"]
    assert {a: (f["unit"], f["mg_co2e_per_unit"]) for a, f in factors.items()} == EVT_V1_MG
    assert all(isinstance(f["mg_co2e_per_unit"], int) and f["source"] for f in factors.values())

    async with engine.begin() as conn:
        await conn.execute(
            sa.insert(ORGANISATIONS).values(
                id="ORG0000000000000000000000A",
                name="Organiser",
                uscc="91320100MA1XXXXXX0",
                kind="event_organiser",
                district="jianye",
                status="active",
                contact={},
                created_at=T0,
            )
        )
        await conn.execute(sa.insert(EVENTS).values(_event("EVENT000000000000000000001")))
        await conn.execute(
            sa.insert(RETIREMENTS).values(
                id="RET0000000000000000000001A",
                account_id="reg:public-behaviour",
                org_id=None,
                quantity=1,
                beneficiary="Organiser / Marathon",
                purpose="event",
                details="",
                status="retired",
                movement_id="MOV0000000000000000000001A",
                created_by=None,
                serial_ranges=["NJ-I-2025-PBNJGT-1-1"],
                created_at=T0,
                retired_at=T0,
            )
        )
        await conn.execute(
            sa.insert(LINKS).values(
                retirement_id="RET0000000000000000000001A",
                event_id="EVENT000000000000000000001",
                quantity=1,
                created_at=T0,
            )
        )
    # the constraints hold in the database too
    await _refused(engine, sa.insert(EVENTS).values(_event("E2", ends_at=T0 - timedelta(1))))
    await _refused(engine, sa.insert(EVENTS).values(_event("E3", attendees=-1)))
    await _refused(engine, sa.insert(EVENTS).values(_event("E4", factor_set_id="nope")))
    await _refused(
        engine,
        sa.insert(FACTOR_SETS).values(
            id="DUPLICATE",
            code="EVT",
            version=1,
            title="again",
            published_by=None,
            factors={},
            published_at=T0,
        ),
    )
    await _refused(
        engine,
        sa.insert(LINKS).values(
            retirement_id="RET0000000000000000000001A",
            event_id="EVENT000000000000000000001",
            quantity=1,
            created_at=T0,
        ),
    )

    await _downgrade(engine, "0014")
    tables = await _tables(engine)
    assert not {"event_factor_sets", "carbon_events", "event_retirements"} & tables
    async with engine.connect() as conn:
        kept = (await conn.execute(sa.select(RETIREMENTS.c.id, RETIREMENTS.c.purpose))).all()
    assert [tuple(r) for r in kept] == [("RET0000000000000000000001A", "event")]

    await runner.upgrade(engine, "0015")
    assert await _factor_sets(engine) == [(EVT_V1_ID, "EVT", 1)]
    await runner.upgrade(engine)  # and on to head
    assert await runner.current(engine) == runner.head()
