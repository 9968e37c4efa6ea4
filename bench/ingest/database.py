"""The benchmark's database: created and dropped per backend, pg_stat sampling, final counts."""

from __future__ import annotations

import asyncio
import re
import secrets
import tempfile
import threading
from collections import Counter
from pathlib import Path
from typing import Any

from bench.ingest.config import PG_ADMIN_URL
from bench.ingest.report import log


class Backend:
    name: str
    url: str

    def create(self) -> None: ...

    def drop(self) -> None: ...


class PostgresBackend(Backend):
    name = "pg"

    def __init__(self) -> None:
        self.db = f"puhui_bench_{secrets.token_hex(4)}"
        base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
        self.url = f"{base}/{self.db}"
        self.created = False

    async def _admin(self, sql: str) -> None:
        import asyncpg

        conn = await asyncpg.connect(PG_ADMIN_URL, timeout=10)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    def create(self) -> None:
        asyncio.run(self._admin(f'CREATE DATABASE "{self.db}"'))
        self.created = True
        log(f"created database {self.db}")

    def drop(self) -> None:
        if not self.created:
            return
        try:
            asyncio.run(self._admin(f'DROP DATABASE IF EXISTS "{self.db}" WITH (FORCE)'))
            log(f"dropped database {self.db}")
        except Exception as exc:
            log(f"WARNING: could not drop database {self.db}: {exc!r}")


class SqliteBackend(Backend):
    name = "sqlite"

    def __init__(self) -> None:
        self.tmp = tempfile.TemporaryDirectory(prefix="puhui-bench-")
        self.path = Path(self.tmp.name) / "puhui.db"
        self.url = f"sqlite+aiosqlite:///{self.path}"

    def create(self) -> None:
        log(f"database file {self.path}")

    def drop(self) -> None:
        size = sum(p.stat().st_size for p in Path(self.tmp.name).glob("puhui.db*"))
        log(f"removing {self.path} ({size / 2**20:.0f} MiB with WAL)")
        self.tmp.cleanup()


class PgActivity(threading.Thread):
    """Poor man's profiler: samples pg_stat_activity of the bench database every 0.2 s and counts
    (statement head, wait event) of the non-idle backends."""

    def __init__(self, url: str, db: str) -> None:
        super().__init__(daemon=True, name="pg-activity")
        self.url = url.replace("postgresql+asyncpg://", "postgresql://")
        self.db = db
        self.samples = 0
        self.seen: Counter[tuple[str, str, str]] = Counter()
        self._stop_flag = threading.Event()

    def run(self) -> None:
        asyncio.run(self._main())

    async def _main(self) -> None:
        import asyncpg

        conn = await asyncpg.connect(self.url, timeout=10)
        sql = (
            "SELECT state, coalesce(wait_event_type || ':' || wait_event, 'CPU'), query"
            " FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()"
            " AND state <> 'idle'"
        )
        try:
            while not self._stop_flag.is_set():
                rows = await conn.fetch(sql, self.db)
                self.samples += 1
                for state, wait, query in rows:
                    head = re.sub(r"\s+", " ", (query or "")[:2000])  # linear regexes only
                    head = re.sub(r"\$\d+(::\w+)?", "?", head)
                    head = re.sub(r"\?(, \?)+", "?...", head)[:110]
                    self.seen[(head, state, wait)] += 1
                await asyncio.sleep(0.2)
        finally:
            await conn.close()

    async def table_scans(self) -> dict[str, dict[str, int]]:
        import asyncpg

        conn = await asyncpg.connect(self.url, timeout=10)
        try:
            rows = await conn.fetch(
                "SELECT relname, seq_scan, seq_tup_read, coalesce(idx_scan, 0) AS idx_scan,"
                " n_live_tup FROM pg_stat_user_tables"
            )
        finally:
            await conn.close()
        return {r["relname"]: dict(r.items()) for r in rows}

    def stop(self) -> list[dict[str, Any]]:
        self._stop_flag.set()
        self.join(timeout=5)
        n = max(self.samples, 1)
        return [
            {"avg_backends": round(c / n, 2), "state": st, "wait": w, "query": q}
            for (q, st, w), c in self.seen.most_common(12)
        ]


def table_scan_diff(
    before: dict[str, dict[str, int]], after: dict[str, dict[str, int]]
) -> list[dict[str, Any]]:
    """Scans per table between two table_scans() readings, most sequentially read rows first."""
    pg_scans = []
    for table, a in after.items():
        b = before.get(table, {})
        d = {k: a[k] - b.get(k, 0) for k in ("seq_scan", "seq_tup_read", "idx_scan")}
        if any(d.values()):
            pg_scans.append({"table": table, **d, "rows_after": a["n_live_tup"]})
    pg_scans.sort(key=lambda x: -x["seq_tup_read"])
    return pg_scans


async def db_counts(url: str) -> dict[str, Any]:
    """What the database holds after the run: trips by status, postings, the points issued."""
    import sqlalchemy as sa
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            by_status = dict(
                (
                    await conn.execute(
                        sa.text("SELECT status, count(*) FROM trips GROUP BY status")
                    )
                ).all()
            )
            postings = (
                await conn.execute(sa.text("SELECT count(*) FROM ledger_postings"))
            ).scalar()
            points = (
                await conn.execute(
                    sa.text("SELECT coalesce(sum(points), 0) FROM trips WHERE status = 'credited'")
                )
            ).scalar()
        return {
            "trips_by_status": {k: int(v) for k, v in by_status.items()},
            "postings": int(postings or 0),
            "points_credited": int(points or 0),
        }
    finally:
        await engine.dispose()
