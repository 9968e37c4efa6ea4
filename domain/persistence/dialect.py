"""INSERT ... ON CONFLICT for whichever backend the session is bound to."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def insert(session: AsyncSession, table: Any) -> Any:
    """A dialect insert() that supports on_conflict_do_nothing / on_conflict_do_update."""
    name = session.bind.dialect.name if session.bind is not None else "sqlite"
    return postgresql.insert(table) if name == "postgresql" else sqlite.insert(table)
