"""Opaque cursors: the caller passes back what we gave; a tampered cursor is a 400."""

from __future__ import annotations

import base64
import json
from datetime import datetime

from domain.clock import to_utc
from domain.errors import InvalidInput


def encode(*parts: object) -> str:
    raw = json.dumps([p.isoformat() if isinstance(p, datetime) else p for p in parts])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(cursor: str) -> list:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        parts = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(parts, list):
            raise ValueError
        return parts
    except ValueError as exc:
        raise InvalidInput("cursor is not one we issued", code="invalid_cursor") from exc


def decode_time_id(cursor: str) -> tuple[datetime, str]:
    parts = decode(cursor)
    try:
        moment, ident = parts
        if not isinstance(ident, str) or "\x00" in ident:
            raise ValueError
        return to_utc(datetime.fromisoformat(moment)), ident
    except (ValueError, TypeError) as exc:
        raise InvalidInput("cursor is not one we issued", code="invalid_cursor") from exc


def decode_int(cursor: str) -> int:
    parts = decode(cursor)
    if len(parts) != 1 or not isinstance(parts[0], int):
        raise InvalidInput("cursor is not one we issued", code="invalid_cursor")
    return parts[0]


def decode_id(cursor: str | None) -> str | None:
    """A cursor holding only the last row's public id (kept short: ids grow with time)."""
    if cursor is None:
        return None
    parts = decode(cursor)
    if len(parts) != 1 or not isinstance(parts[0], str) or not parts[0].isalnum():
        raise InvalidInput("cursor is not one we issued", code="invalid_cursor")
    if not 1 <= len(parts[0]) <= 26:
        raise InvalidInput("cursor is not one we issued", code="invalid_cursor")
    return parts[0]
