"""When earned points expire: 23:59:59 Asia/Shanghai on 31 December of the following year."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.clock import SHANGHAI
from domain.errors import InvalidInput


def expiry_for(earned_at: datetime) -> datetime:
    """The expiry instant (aware, UTC) of points earned at `earned_at` (aware): the year is the
    Shanghai-calendar year of `earned_at`, plus one."""
    if earned_at.tzinfo is None or earned_at.utcoffset() is None:
        raise InvalidInput(f"earned_at must be timezone-aware, got {earned_at.isoformat()}")
    year = earned_at.astimezone(SHANGHAI).year + 1
    return datetime(year, 12, 31, 23, 59, 59, tzinfo=SHANGHAI).astimezone(UTC)
