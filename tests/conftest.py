"""Test fixtures: a real database built by the migrations, per-test clean tables, the app.

Backends: SQLite by default. Set PUHUI_TEST_POSTGRES_URL (an admin URL such as
postgresql+asyncpg://postgres@127.0.0.1:5432/postgres) to run on a fresh PostgreSQL database
created for this run and dropped after, and PUHUI_TEST_REDIS_URL for Redis-backed stores.
An unreachable PostgreSQL or Redis that was asked for fails the run; it is never skipped.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from api.app import create_app
from api.settings import Settings
from domain.persistence.base import Base
from domain.persistence.engine import build_engine
from domain.persistence.uow import Database
from migrations import runner

pytest_plugins = [
    "tests.payments",  # the `wechatpay` fixture (a fake WeChat Pay)
    "tests.wechatpay_gateway_world",  # `gateway`: the market's gateway to it
]

PG_ADMIN_URL = os.environ.get("PUHUI_TEST_POSTGRES_URL")
REDIS_URL = os.environ.get("PUHUI_TEST_REDIS_URL")


def pytest_report_header() -> list[str]:
    return [
        f"puhui backends: database={'postgresql' if PG_ADMIN_URL else 'sqlite'}, "
        f"stores={'redis' if REDIS_URL else 'memory'}"
    ]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if PG_ADMIN_URL:
        return
    skip = pytest.mark.skip(reason="real concurrency needs PostgreSQL (make test-pg)")
    for item in items:
        if "pg_only" in item.keywords:
            item.add_marker(skip)


async def _create_pg_database() -> str:
    admin = create_async_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"puhui_test_{uuid.uuid4().hex[:12]}"
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        pytest.exit(f"PostgreSQL at {PG_ADMIN_URL} is unreachable: {exc}", returncode=3)
    finally:
        await admin.dispose()
    return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


async def _drop_pg_database(url: str) -> None:
    admin = create_async_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = make_url(url).database
    async with admin.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await admin.dispose()


@pytest.fixture(scope="session")
async def database_url(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    if PG_ADMIN_URL:
        url = await _create_pg_database()
        try:
            yield url
        finally:
            await _drop_pg_database(url)
    else:
        path: Path = tmp_path_factory.mktemp("db") / "puhui-test.db"
        yield f"sqlite+aiosqlite:///{path}"


@pytest.fixture(scope="session")
async def migrated(database_url: str) -> AsyncIterator[AsyncEngine]:
    """The schema, built by running every migration (never by create_all)."""
    engine = build_engine(database_url, pool_size=2)
    await runner.upgrade(engine)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="session")
async def redis_url() -> AsyncIterator[str | None]:
    if not REDIS_URL:
        yield None
        return
    client = Redis.from_url(REDIS_URL)
    try:
        await client.ping()
    except Exception as exc:
        pytest.exit(f"Redis at {REDIS_URL} is unreachable: {exc}", returncode=3)
    await client.flushdb()
    yield REDIS_URL
    await client.flushdb()
    await client.aclose()


PLATFORM_REGISTRY_ACCOUNTS = ("reg:public-behaviour", "reg:buffer")
SEEDED_METHODOLOGIES = ("00000000000000000000NJGT01", "00000000000000000000NJFC01")
SEEDED_EVENT_FACTOR_SET = "00000000000000000000EVT001"  # EVT v1, migration 0015


def _seeded(table) -> list:
    """Rows the migrations install (default methodology and its review, system accounts, the
    platform's registry accounts, the event factor set EVT v1) survive cleaning."""
    if table.name == "methodology_versions":
        return [table.c.id.not_in(SEEDED_METHODOLOGIES)]
    if table.name == "ledger_accounts":
        return [table.c.kind != "system", table.c.id.not_in(PLATFORM_REGISTRY_ACCOUNTS)]
    if table.name == "registry_accounts":
        return [table.c.id.not_in(PLATFORM_REGISTRY_ACCOUNTS)]
    if table.name == "reviews":
        return [table.c.seed != "migration"]
    if table.name == "event_factor_sets":
        return [table.c.id != SEEDED_EVENT_FACTOR_SET]
    return []


@pytest.fixture(autouse=True)
async def _clean_state(request: pytest.FixtureRequest) -> AsyncIterator[None]:
    """Every test starts from empty tables (and an empty Redis test database)."""
    yield
    if "migrated" not in request.fixturenames:
        return
    engine: AsyncEngine = request.getfixturevalue("migrated")
    async with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            await conn.execute(table.delete().where(*_seeded(table)))
        # a test may have handed the seeded methodology over to a later version: undo that
        versions = Base.metadata.tables["methodology_versions"]
        await conn.execute(
            versions.update()
            .where(versions.c.id.in_(SEEDED_METHODOLOGIES))
            .values(status="published", effective_until=None)
        )
        accounts = Base.metadata.tables["ledger_accounts"]  # the platform's, emptied
        await conn.execute(
            accounts.update()
            .where(accounts.c.id.in_(PLATFORM_REGISTRY_ACCOUNTS))
            .values(balance=0, entries=0, head_hash="0" * 64, reduction_g_total=0)
        )
    if REDIS_URL:
        client = Redis.from_url(REDIS_URL)
        await client.flushdb()
        await client.aclose()


@pytest.fixture
def settings(migrated: AsyncEngine, database_url: str, redis_url: str | None) -> Settings:
    return Settings(
        env="test",
        database_url=database_url,
        redis_url=redis_url,
        dev_login=True,
        log_json=False,
        log_level="WARNING",
        auth_rate_limit_per_minute=10_000,
        citizen_auth_rate_limit_per_minute=10_000,
        citizen_login_key_rate_limit_per_minute=10_000,
        database_pool_size=20,
        jobs=False,
    )


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[Database]:
    database = Database(build_engine(settings.database_url, pool_size=5))
    yield database
    await database.dispose()


@pytest.fixture
def app(settings: Settings) -> Litestar:
    return create_app(settings)


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient]:
    async with AsyncTestClient(app=app) as c:
        yield c
