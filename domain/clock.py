"""Time: UTC in storage, Asia/Shanghai for calendar rules."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from domain.errors import InvalidInput

SHANGHAI = ZoneInfo("Asia/Shanghai")

# The instants the platform accepts from outside (feeds, requests, cursors): anything earlier or
# later is a typo or an attack, and arithmetic near the calendar's ends (year 1, year 9999)
# overflows. LATEST is exclusive.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(3000, 1, 1, tzinfo=UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def shanghai_date(moment: datetime) -> date:
    """The Asia/Shanghai calendar date of an aware instant."""
    return moment.astimezone(SHANGHAI).date()


def to_utc(moment: datetime) -> datetime:
    """An aware instant from outside, in UTC; ValueError when it has no UTC offset or lies
    outside EARLIEST..LATEST (including one that cannot even be moved to UTC, such as
    0001-01-01T00:00:00+14:00)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("needs a UTC offset")
    try:
        utc = moment.astimezone(UTC)
    except OverflowError:
        utc = None
    if utc is None or not EARLIEST <= utc < LATEST:
        raise ValueError(f"must lie between {EARLIEST.year} and {LATEST.year - 1}")
    return utc


def instant(moment: datetime, name: str, code: str = "invalid_time") -> datetime:
    """`to_utc` for a time a caller sent: InvalidInput naming the field otherwise."""
    try:
        return to_utc(moment)
    except ValueError as exc:
        raise InvalidInput(f"{name} {exc}", code=code) from exc
