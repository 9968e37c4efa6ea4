"""Public identifiers: opaque, time-ordered ULID strings (never sequential database ids)."""

from __future__ import annotations

from ulid import ULID


def new_id() -> str:
    """A new 26-character ULID: sorts by creation time, reveals no count."""
    return str(ULID())
