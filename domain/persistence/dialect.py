"""INSERT ... ON CONFLICT for whichever backend the session is bound to."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def insert(session: AsyncSession, table: Any) -> Any:
    """A dialect insert() that supports on_conflict_do_nothing / on_conflict_do_update."""
    name = session.bind.dialect.name if session.bind is not None else "sqlite"
    return postgresql.insert(table) if name == "postgresql" else sqlite.insert(table)


async def insert_one(
    session: AsyncSession, table: Any, row: dict[str, Any], *, conflict_on: list[str]
) -> bool:
    """INSERT one row unless its key exists: True if inserted. On PostgreSQL a concurrent insert
    of the same key waits for the other transaction and then reports the conflict."""
    stmt = insert(session, table).values(row).on_conflict_do_nothing(index_elements=conflict_on)
    result = await session.execute(stmt.returning(table.c[conflict_on[0]]))
    return result.first() is not None
