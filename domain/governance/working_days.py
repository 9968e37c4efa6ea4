"""Working days in mainland China, for SLA clocks (pure: no I/O).

A day is a working day when staff said so (an override: `True` working, `False` holiday), else
as the `chinese_calendar` package knows the State Council's schedule: weekends and official
holidays are off, make-up working days (调休) are on. For a year the package does not know yet
(it raises NotImplementedError) we fall back to Monday..Friday; staff then add that year's
holidays and make-up days as overrides.

A clock of N working days started at `start` ends at the END of the Nth working day strictly
after the Shanghai day of `start` (we chose end of day over "same clock time": a complaint filed
late in the evening still gets whole working days). With N=1, a complaint filed on Monday at any
hour is due by the end of Tuesday; one filed on Saturday by the end of Monday. The due instant
is midnight in Shanghai closing that day (stored in UTC); `due <= now` is a breach.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta

import chinese_calendar

from domain.clock import SHANGHAI, shanghai_date

MAX_DAYS = 60  # a clock longer than this is a configuration mistake
# the longest run of non-working days we accept before giving up (Spring Festival is 8-9)
_SEARCH_LIMIT = 366


def official_working(day: date) -> bool:
    """The official schedule; weekdays when the package has no data for that year."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def is_working(day: date, overrides: Mapping[date, bool]) -> bool:
    found = overrides.get(day)
    return official_working(day) if found is None else found


def nth_working_day_after(day: date, n: int, overrides: Mapping[date, bool]) -> date:
    """The Nth working day strictly after `day` (n >= 1)."""
    if not 1 <= n <= MAX_DAYS:
        raise ValueError(f"n must lie between 1 and {MAX_DAYS}")
    current, counted = day, 0
    for _ in range(n * _SEARCH_LIMIT):
        current += timedelta(days=1)
        if is_working(current, overrides):
            counted += 1
            if counted == n:
                return current
    raise ValueError("no working day found: check the overrides")


def end_of_day(day: date) -> datetime:
    """The UTC instant at which a Shanghai day ends (midnight starting the next day)."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=SHANGHAI).astimezone(UTC)


def due_at(start: datetime, n: int, overrides: Mapping[date, bool]) -> datetime:
    """When a clock of `n` working days started at `start` runs out (end of that working day)."""
    return end_of_day(nth_working_day_after(shanghai_date(start), n, overrides))
