"""Engine construction for both backends: PostgreSQL (asyncpg) and embedded SQLite (aiosqlite)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine


def build_engine(
    url: str, *, pool_size: int = 10, max_overflow: int | None = None, echo: bool = False
) -> AsyncEngine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, echo=echo)
    # A steady pool: overflow connections are opened and closed under bursts, and a new
    # PostgreSQL connection costs far more than a request. Stale connections are recycled, and a
    # connection that fails is invalidated by SQLAlchemy (no ping round trip per checkout).
    return create_async_engine(
        url,
        echo=echo,
        pool_size=pool_size,
        max_overflow=max(2, pool_size // 4) if max_overflow is None else max_overflow,
        pool_recycle=1800,
        pool_timeout=30,
    )


def _sqlite_engine(url: str, *, echo: bool) -> AsyncEngine:
    parsed = make_url(url)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url, echo=echo, connect_args={"timeout": 30})

    # SQLite takes its write lock lazily, which turns concurrent read-then-write transactions into
    # "database is locked" errors. Start every transaction with BEGIN IMMEDIATE instead: writers
    # queue on the busy timeout, WAL keeps readers of committed data unblocked.
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine
