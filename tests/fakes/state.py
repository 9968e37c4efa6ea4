"""What every fake repository shares: rows held in memory, constraints raised as the database
would raise them, and a snapshot so the fake unit of work can roll back to its last commit."""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError


def violation(constraint: str) -> IntegrityError:
    """The error a real INSERT/UPDATE raises when it breaks `constraint`."""
    return IntegrityError("statement on a fake table", {}, Exception(constraint))


def _is_row(value: Any) -> bool:
    return hasattr(type(value), "__mapper__")


def columns(obj: Any) -> list[str]:
    return [a.key for a in inspect(type(obj)).column_attrs]


def clone(value: Any) -> Any:
    """A copy of a stored row (ORM instance or dataclass); plain values are shared."""
    if _is_row(value):
        return type(value)(**{k: getattr(value, k) for k in columns(value)})
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return copy.copy(value)
    return value


def with_defaults(row: Any) -> Any:
    """Fill unset columns with their scalar defaults, as a flush would."""
    for attr in inspect(type(row)).column_attrs:
        column = attr.columns[0]
        default = column.default
        if getattr(row, attr.key) is None and default is not None and default.is_scalar:
            setattr(row, attr.key, default.arg)
    return row


def _copy_container(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: clone(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clone(v) for v in value]
    if isinstance(value, set):
        return set(value)
    return clone(value)


class Stored:
    """A fake repository whose attributes named in `tables` are its committed state."""

    tables: tuple[str, ...] = ()

    def check(self) -> None:
        """Raise what a flush would raise for changes made to the rows in place."""

    def snapshot(self) -> dict[str, Any]:
        return {name: _copy_container(getattr(self, name)) for name in self.tables}

    def restore(self, snap: dict[str, Any]) -> None:
        for name, value in snap.items():
            setattr(self, name, _copy_container(value))
