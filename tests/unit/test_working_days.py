"""Working days for SLA clocks: official 2026 holidays and make-up days (chinese_calendar),
staff overrides, end of the Shanghai working day, and the weekday fallback for unknown years."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.clock import SHANGHAI
from domain.governance import working_days as wd


def sh(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def end_of(day: str) -> datetime:
    return wd.end_of_day(date.fromisoformat(day))


def test_official_2026_days() -> None:
    # National Day and Mid-Autumn 2026: 1..7 October off; Sunday 20 Sept and Saturday 10 Oct
    # are make-up working days (调休); the 8th is an ordinary Thursday
    assert not any(wd.is_working(date(2026, 10, d), {}) for d in range(1, 8))
    assert wd.is_working(date(2026, 10, 8), {})
    assert wd.is_working(date(2026, 9, 20), {})  # a Sunday, working
    assert wd.is_working(date(2026, 10, 10), {})  # a Saturday, working
    assert not wd.is_working(date(2026, 10, 11), {})  # an ordinary Sunday
    assert not wd.is_working(date(2026, 12, 5), {})  # an ordinary Saturday


def test_due_is_end_of_the_nth_working_day_after_filing() -> None:
    # Monday 2026-11-30, any hour: one working day -> end of Tuesday, five -> end of Monday 12-07
    for moment in ("2026-11-30T00:00:01", "2026-11-30T23:59:59"):
        assert wd.due_at(sh(moment), 1, {}) == end_of("2026-12-01")
        assert wd.due_at(sh(moment), 5, {}) == end_of("2026-12-07")
    # filed on a Saturday: the first working day is Monday
    assert wd.due_at(sh("2026-12-05T10:00:00"), 1, {}) == end_of("2026-12-07")
    # the due instant is midnight in Shanghai, stored in UTC (16:00 UTC the same day)
    assert end_of("2026-12-01") == datetime(2026, 12, 1, 16, 0, tzinfo=UTC)


def test_golden_week_is_skipped_and_make_up_days_count() -> None:
    # filed Wednesday 30 Sept: 1..7 Oct are off, so the first working day is Thursday 8 Oct
    filed = sh("2026-09-30T15:00:00")
    assert wd.due_at(filed, 1, {}) == end_of("2026-10-08")
    # 8 (Thu), 9 (Fri), 10 (Sat, make-up), 12 (Mon), 13 (Tue)
    assert wd.due_at(filed, 5, {}) == end_of("2026-10-13")
    # filed on the make-up Sunday 20 Sept: the clock still starts the next day
    assert wd.due_at(sh("2026-09-19T09:00:00"), 1, {}) == end_of("2026-09-20")


def test_staff_overrides_win() -> None:
    monday = sh("2026-11-30T09:00:00")
    holiday = {date(2026, 12, 1): False}  # Tuesday declared a holiday
    assert wd.due_at(monday, 1, holiday) == end_of("2026-12-02")
    working = {date(2026, 10, 2): True}  # a Golden Week day declared working
    assert wd.due_at(sh("2026-09-30T15:00:00"), 1, working) == end_of("2026-10-02")
    # an override can also make a Saturday count
    assert wd.due_at(sh("2026-12-04T09:00:00"), 1, {date(2026, 12, 5): True}) == end_of(
        "2026-12-05"
    )


def test_years_the_package_lacks_fall_back_to_weekdays() -> None:
    with pytest.raises(NotImplementedError):
        import chinese_calendar

        chinese_calendar.is_workday(date(2031, 1, 1))
    # Wednesday 2031-01-01 is New Year's Day, but without data it counts as a weekday
    assert wd.official_working(date(2031, 1, 1))
    assert not wd.official_working(date(2031, 1, 4))  # Saturday
    assert wd.due_at(sh("2031-01-03T09:00:00"), 1, {}) == end_of("2031-01-06")  # Fri -> Mon
    # staff close the gap with an override
    assert wd.due_at(sh("2030-12-31T09:00:00"), 1, {date(2031, 1, 1): False}) == end_of(
        "2031-01-02"
    )


def test_bounds() -> None:
    with pytest.raises(ValueError):
        wd.due_at(sh("2026-11-30T09:00:00"), 0, {})
    with pytest.raises(ValueError):
        wd.due_at(sh("2026-11-30T09:00:00"), wd.MAX_DAYS + 1, {})
