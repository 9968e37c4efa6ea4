"""Time: UTC in storage, Asia/Shanghai for calendar rules."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    return datetime.now(UTC)


def shanghai_date(moment: datetime) -> date:
    """The Asia/Shanghai calendar date of an aware instant."""
    return moment.astimezone(SHANGHAI).date()
