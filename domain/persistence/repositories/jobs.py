"""Job locks: a job that must run once across replicas takes a database lock first."""

from __future__ import annotations

import zlib

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


class JobRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def try_lock(self, name: str) -> bool:
        """A transaction-scoped lock named `name`: True for exactly one holder at a time.

        PostgreSQL: pg_try_advisory_xact_lock (released at commit, so a job that commits in
        stages takes it again in each). SQLite: every transaction already holds the database's
        write lock (BEGIN IMMEDIATE), so the holder is alone by construction.
        """
        if self.session.bind.dialect.name != "postgresql":
            return True
        key = zlib.crc32(name.encode())
        result = await self.session.execute(
            text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": key}
        )
        return bool(result.scalar_one())
