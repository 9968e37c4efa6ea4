"""Migration 0007 encrypts the merchant phones already stored, with the service's data key only.

Each test runs the migrations on a scratch database of its own (the session's stays at head).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from api.settings import DEV_DATA_KEY
from domain.crypto import DataProtector
from domain.persistence.engine import build_engine
from migrations import runner
from tests.conftest import PG_ADMIN_URL, _create_pg_database, _drop_pg_database

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
PHONE = "13900007777"


@pytest.fixture
async def scratch(tmp_path, monkeypatch) -> AsyncIterator[AsyncEngine]:
    """A database migrated to 0006 holding a merchant with a phone in clear and an operator
    key sealed under the development data key (which the environment names by default)."""
    for name in ("PUHUI_ENV", "PUHUI_DATA_KEY", "PUHUI_JWT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    url = await _create_pg_database() if PG_ADMIN_URL else f"sqlite+aiosqlite:///{tmp_path}/m.db"
    engine = build_engine(url, pool_size=2)
    try:
        await runner.upgrade(engine, "0006")
        yield engine
    finally:
        await engine.dispose()
        if PG_ADMIN_URL:
            await _drop_pg_database(url)


async def _seed(engine: AsyncEngine) -> None:
    sealed = DataProtector(DEV_DATA_KEY).encrypt("operator-secret")
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO operators (id, name, kind, active, created_at) "
                "VALUES ('01OP', 'Metro', 'metro', true, :now)"
            ),
            {"now": NOW},
        )
        await conn.execute(
            text(
                "INSERT INTO operator_keys (id, operator_id, secret_encrypted, created_at) "
                "VALUES ('key-1', '01OP', :sealed, :now)"
            ),
            {"sealed": sealed, "now": NOW},
        )
        await conn.execute(
            text(
                "INSERT INTO merchants (id, name, status, contact_name, contact_phone, created_at) "
                "VALUES ('01ME', 'Tea', 'pending', 'Li', :phone, :now)"
            ),
            {"phone": PHONE, "now": NOW},
        )


async def _downgrade(engine: AsyncEngine, revision: str) -> None:
    def run(connection: Connection) -> None:
        cfg = runner.config()
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, revision)

    async with engine.begin() as conn:
        await conn.run_sync(run)


async def _merchant(engine: AsyncEngine) -> dict:
    async with engine.connect() as conn:
        return dict((await conn.execute(text("SELECT * FROM merchants"))).mappings().one())


async def test_existing_phones_are_encrypted_and_come_back_on_downgrade(scratch) -> None:
    await _seed(scratch)
    await runner.upgrade(scratch, "0007")
    row = await _merchant(scratch)
    assert "contact_phone" not in row
    assert all(PHONE not in str(v) for v in row.values())
    assert DataProtector(DEV_DATA_KEY).decrypt(row["contact_phone_encrypted"]) == PHONE

    await _downgrade(scratch, "0006")
    row = await _merchant(scratch)
    assert (row["contact_phone"], "contact_phone_encrypted" in row) == (PHONE, False)


async def test_a_key_that_does_not_open_the_stored_secrets_is_refused(scratch, monkeypatch) -> None:
    await _seed(scratch)
    monkeypatch.setenv("PUHUI_DATA_KEY", "not-the-key-this-database-was-written-with")
    with pytest.raises(RuntimeError, match=r"does not decrypt operator_keys\.secret_encrypted"):
        await runner.upgrade(scratch, "0007")
    assert await runner.current(scratch) == "0006"
    assert (await _merchant(scratch))["contact_phone"] == PHONE  # nothing half-done


async def test_a_database_without_phones_needs_no_key(scratch, monkeypatch) -> None:
    # production settings without secrets would be refused, but there is nothing to encrypt
    monkeypatch.setenv("PUHUI_ENV", "production")
    await runner.upgrade(scratch, "0007")
    assert await runner.current(scratch) == "0007"


async def test_erased_trips_cannot_be_downgraded_into_0006(scratch) -> None:
    await _seed(scratch)
    await runner.upgrade(scratch, "0007")
    async with scratch.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO trips (id, operator_id, external_trip_id, mode, day, reduction_g, "
                "points, status, received_at, decided_at, fingerprint, erased_at) VALUES "
                "('01TR', '01OP', 'x1', 'metro', :day, 300, 3, 'credited', :now, :now, :fp, :now)"
            ),
            {"day": date(2026, 12, 1), "now": NOW, "fp": "f" * 64},
        )
    with pytest.raises(RuntimeError, match="erasure cannot be undone"):
        await _downgrade(scratch, "0006")
    assert await runner.current(scratch) == "0007"
