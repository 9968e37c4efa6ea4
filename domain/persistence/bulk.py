"""Set-wise statements for the hot path: one statement per batch, whatever its size.

On PostgreSQL every column travels as one array parameter and `unnest` turns them back into rows,
so the statement text never changes with the batch size (asyncpg prepares it once per connection)
and the database sees a single round trip. SQLite runs in-process, so there a plain executemany
through SQLAlchemy Core is already cheap. Core tables, never ORM objects: nothing is tracked or
flushed twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sqlalchemy import Table, bindparam, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession

from domain.persistence.dialect import insert

_PG = postgresql.dialect()


def is_pg(session: AsyncSession) -> bool:
    return session.bind is not None and session.bind.dialect.name == "postgresql"


def _pg_type(table: Table, column: str) -> str:
    return table.c[column].type.compile(dialect=_PG)


def _unnest(table: Table, columns: Sequence[str], prefix: str = "") -> str:
    arrays = ", ".join(f"CAST(:{prefix}{c} AS {_pg_type(table, c)}[])" for c in columns)
    return f"unnest({arrays}) AS u({', '.join(columns)})"


def _arrays(
    rows: Sequence[dict[str, Any]], columns: Sequence[str], prefix: str = ""
) -> dict[str, list[Any]]:
    return {prefix + c: [r[c] for r in rows] for c in columns}


def _bound(sql: str, names: Sequence[str]) -> Any:
    return text(sql).bindparams(*(bindparam(c) for c in names))


class Write(NamedTuple):
    """One PostgreSQL data-modifying statement over arrays, ready to run alone or to be joined
    with others into one statement (`execute_together`). Parameters carry a per-write prefix."""

    sql: str
    params: dict[str, list[Any]]


def insert_write(
    table: Table,
    rows: Sequence[dict[str, Any]],
    *,
    prefix: str = "",
    skip_conflicts_on: Sequence[str] | None = None,
    returning: str | None = None,
) -> Write:
    columns = list(rows[0])
    sql = (
        f"INSERT INTO {table.name} ({', '.join(columns)}) "
        f"SELECT {', '.join(columns)} FROM {_unnest(table, columns, prefix)}"
    )
    if skip_conflicts_on is not None:
        sql += f" ON CONFLICT ({', '.join(skip_conflicts_on)}) DO NOTHING"
    if returning:
        sql += f" RETURNING {returning}"
    return Write(sql, _arrays(rows, columns, prefix))


def update_write(
    table: Table, rows: Sequence[dict[str, Any]], *, key: str, prefix: str = ""
) -> Write:
    columns = list(rows[0])
    assignments = ", ".join(f"{c} = u.{c}" for c in columns if c != key)
    sql = (
        f"UPDATE {table.name} AS t SET {assignments} FROM {_unnest(table, columns, prefix)} "
        f"WHERE t.{key} = u.{key}"
    )
    return Write(sql, _arrays(rows, columns, prefix))


def upsert_write(
    table: Table,
    rows: Sequence[dict[str, Any]],
    *,
    keys: Sequence[str],
    add: Sequence[str] = (),
    replace: Sequence[str] = (),
    prefix: str = "",
) -> Write:
    columns = list(rows[0])
    sets = [f"{c} = {table.name}.{c} + EXCLUDED.{c}" for c in add]
    sets += [f"{c} = EXCLUDED.{c}" for c in replace]
    sql = (
        f"INSERT INTO {table.name} ({', '.join(columns)}) "
        f"SELECT {', '.join(columns)} FROM {_unnest(table, columns, prefix)} "
        f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {', '.join(sets)}"
    )
    return Write(sql, _arrays(rows, columns, prefix))


async def execute_together(session: AsyncSession, writes: Sequence[Write]) -> list[Any]:
    """Run the writes as ONE statement (PostgreSQL): all but the last as data-modifying CTEs.

    One round trip instead of one per table. The writes must touch different rows (they share
    one snapshot and cannot see each other's changes); constraints are checked at the end of the
    statement. Returns the last write's RETURNING values, if it has any."""
    if not writes:
        return []
    *first, last = writes
    ctes = ", ".join(f"w{i} AS ({w.sql})" for i, w in enumerate(first))
    sql = (f"WITH {ctes} " if ctes else "") + last.sql
    params: dict[str, list[Any]] = {}
    for w in writes:
        params.update(w.params)
    result = await session.execute(_bound(sql, list(params)), params)
    return list(result.scalars()) if " RETURNING " in last.sql else []


async def insert_many(
    session: AsyncSession,
    table: Table,
    rows: Sequence[dict[str, Any]],
    *,
    skip_conflicts_on: Sequence[str] | None = None,
    returning: str | None = None,
) -> list[Any]:
    """INSERT rows (optionally ON CONFLICT DO NOTHING); returns `returning` of inserted rows."""
    if not rows:
        return []
    if is_pg(session):
        write = insert_write(table, rows, skip_conflicts_on=skip_conflicts_on, returning=returning)
        return await execute_together(session, [write])
    stmt = insert(session, table)
    if skip_conflicts_on is not None:
        stmt = stmt.on_conflict_do_nothing(index_elements=list(skip_conflicts_on))
    await session.execute(stmt, list(rows))
    if not returning:
        return []
    # SQLite serializes writers (BEGIN IMMEDIATE), so what is there now with our keys is ours.
    keys = [r[returning] for r in rows]
    found = await session.execute(
        table.select().with_only_columns(table.c[returning]).where(table.c[returning].in_(keys))
    )
    return list(found.scalars())


async def update_many(
    session: AsyncSession, table: Table, rows: Sequence[dict[str, Any]], key: str
) -> None:
    """UPDATE each row's columns, matched on `key`."""
    if not rows:
        return
    if is_pg(session):
        await execute_together(session, [update_write(table, rows, key=key)])
        return
    columns = list(rows[0])
    sets = [c for c in columns if c != key]
    stmt = (
        table.update()
        .where(table.c[key] == bindparam(f"_{key}"))
        .values({c: bindparam(f"_{c}") for c in sets})
    )
    await session.execute(stmt, [{f"_{c}": r[c] for c in columns} for r in rows])


async def upsert_many(
    session: AsyncSession,
    table: Table,
    rows: Sequence[dict[str, Any]],
    *,
    keys: Sequence[str],
    add: Sequence[str] = (),
    replace: Sequence[str] = (),
) -> None:
    """INSERT rows; on a key conflict add the `add` columns to the stored ones and overwrite the
    `replace` columns. Rows must have distinct keys (aggregate first)."""
    if not rows:
        return
    if is_pg(session):
        write = upsert_write(table, rows, keys=keys, add=add, replace=replace)
        await execute_together(session, [write])
        return
    stmt = insert(session, table)
    updates = {c: table.c[c] + stmt.excluded[c] for c in add}
    updates |= {c: stmt.excluded[c] for c in replace}
    await session.execute(
        stmt.on_conflict_do_update(index_elements=list(keys), set_=updates), list(rows)
    )


async def lookup(
    session: AsyncSession,
    table: Table,
    columns: Sequence[str],
    *,
    key: str,
    values: Sequence[Any],
    where: str = "",
    params: dict[str, Any] | None = None,
    for_update: bool = False,
    skip_locked: bool = False,
) -> list[Any]:
    """Rows of `table` (alias `t`) whose `key` is one of `values` and that satisfy `where`
    (an SQL condition over `t` with :named `params`, written by our code only).

    On PostgreSQL a LATERAL index probe per value, in the order of `values` (so FOR UPDATE locks
    rows in that order): one statement, and the plan stays a probe per key even before the table
    has statistics (a table filled a minute ago) and whatever its size."""
    if not values:
        return []
    params = params or {}
    condition = f"t.{key} = u.v" + (f" AND {where}" if where else "")
    selected = ", ".join("t." + c for c in columns)
    if is_pg(session):
        lock = (" FOR UPDATE SKIP LOCKED" if skip_locked else " FOR UPDATE") if for_update else ""
        sql = (
            f"SELECT {selected} FROM unnest(CAST(:v AS {_pg_type(table, key)}[])) "
            f"WITH ORDINALITY AS u(v, n) CROSS JOIN LATERAL "
            f"(SELECT * FROM {table.name} t WHERE {condition} OFFSET 0{lock}) t ORDER BY u.n"
        )  # OFFSET 0 keeps the planner from flattening the per-key probe
        stmt = _bound(sql, ["v", *params])
        return list(await session.execute(stmt, {"v": list(values), **params}))
    sql = f"SELECT {selected} FROM {table.name} t WHERE t.{key} IN :v" + (
        f" AND {where}" if where else ""
    )
    stmt = text(sql).bindparams(bindparam("v", expanding=True), *(bindparam(p) for p in params))
    return list(await session.execute(stmt, {"v": list(values), **params}))


def utc_param(session: AsyncSession, moment: datetime) -> datetime:
    """A timestamp bound into raw SQL: SQLite keeps UTC naive, as UTCDateTime does."""
    return moment if is_pg(session) else moment.astimezone(UTC).replace(tzinfo=None)


def as_utc(value: datetime | str | None) -> datetime | None:
    """A timestamp read by raw SQL: SQLite gives text, PostgreSQL an aware datetime."""
    if value is None:
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
