"""Aggregation periods: one Asia/Shanghai calendar month or quarter (METHODOLOGY.md).

Pure calendar arithmetic, so the rules (a whole month or quarter, over before it is summed) are
unit-tested without a database. A period is closed at both ends in days; its instants are the
half-open UTC range from its first Shanghai midnight to the one after its last day.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta

import msgspec

from domain.clock import EARLIEST, SHANGHAI
from domain.errors import Conflict, InvalidInput

QUARTER_STARTS = (1, 4, 7, 10)


class Period(msgspec.Struct, frozen=True):
    kind: str  # month | quarter
    start: date
    end: date  # the last day, included

    @property
    def vintage(self) -> int:
        """Units issued from a period carry its year."""
        return self.start.year

    @property
    def starts_at(self) -> datetime:
        """Its first instant: Shanghai midnight of its first day, in UTC."""
        return datetime.combine(self.start, time.min, tzinfo=SHANGHAI).astimezone(UTC)

    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]

    def day_bounds(self) -> list[datetime]:
        """The UTC instants of each day's Shanghai midnight, and the one after the last day:
        day i of the period is [bounds[i], bounds[i + 1])."""
        edges = [*self.days(), self.end + timedelta(days=1)]
        return [datetime.combine(d, time(0), tzinfo=SHANGHAI).astimezone(UTC) for d in edges]


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def period_of(start: date, end: date) -> Period:
    """The month or quarter `start..end`; InvalidInput `invalid_period` naming the field that
    does not fit one."""
    if start.year < EARLIEST.year:
        raise InvalidInput(
            f"period_start must lie after {EARLIEST.year}",
            code="invalid_period",
            field="period_start",
        )
    if start.day != 1:
        raise InvalidInput(
            "period_start must be the first day of a month",
            code="invalid_period",
            field="period_start",
        )
    if end == _month_end(start.year, start.month):
        return Period("month", start, end)
    if start.month in QUARTER_STARTS and end == _month_end(start.year, start.month + 2):
        return Period("quarter", start, end)
    raise InvalidInput(
        "period_end must be the last day of period_start's month, or of its quarter when "
        "period_start begins one (January, April, July, October)",
        code="invalid_period",
        field="period_end",
    )


def require_over(period: Period, today: date) -> None:
    """A period is summed only once its last Shanghai day is before today: trips credited on a
    day still running would be left out."""
    if period.end >= today:
        raise Conflict(
            f"the period ends {period.end.isoformat()}; it can be aggregated from "
            f"{(period.end + timedelta(days=1)).isoformat()}",
            code="period_not_over",
            field="period_end",
        )


def lapses_at(vintage: int) -> datetime:
    """When aggregated grams of a vintage that were never issued lapse: with the points of the
    same year (METHODOLOGY.md), at the end of 31 December of the following year, Shanghai."""
    return datetime(vintage + 2, 1, 1, tzinfo=SHANGHAI).astimezone(UTC)


def lapsed(vintage: int, now: datetime) -> bool:
    return now >= lapses_at(vintage)
