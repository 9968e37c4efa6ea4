"""Aggregation periods (pure): whole Shanghai months and quarters, over before they are summed,
their day bounds in UTC, and the breakdown tally."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.errors import Conflict, InvalidInput
from domain.registry.aggregation import tally
from domain.registry.periods import period_of, require_over


def test_months_and_quarters() -> None:
    assert period_of(date(2028, 2, 1), date(2028, 2, 29)).kind == "month"  # leap year
    q = period_of(date(2026, 10, 1), date(2026, 12, 31))
    assert (q.kind, q.vintage, len(q.days())) == ("quarter", 2026, 92)
    assert period_of(date(2026, 2, 1), date(2026, 2, 28)).kind == "month"
    with pytest.raises(InvalidInput) as bad:
        period_of(date(2026, 11, 1), date(2027, 1, 31))  # not a quarter's months
    assert (bad.value.code, bad.value.extra["field"]) == ("invalid_period", "period_end")
    with pytest.raises(InvalidInput) as bad:
        period_of(date(2026, 2, 15), date(2026, 2, 28))
    assert bad.value.extra["field"] == "period_start"


def test_day_bounds_are_shanghai_midnights() -> None:
    bounds = period_of(date(2026, 1, 1), date(2026, 1, 31)).day_bounds()
    assert bounds[0] == datetime(2025, 12, 31, 16, tzinfo=UTC)
    assert bounds[-1] == datetime(2026, 1, 31, 16, tzinfo=UTC)
    assert len(bounds) == 32


def test_over_only_after_its_last_day() -> None:
    march = period_of(date(2026, 3, 1), date(2026, 3, 31))
    with pytest.raises(Conflict) as early:
        require_over(march, date(2026, 3, 31))
    assert early.value.code == "period_not_over"
    require_over(march, date(2026, 4, 1))


def test_tally_keeps_credits_and_reversals_apart() -> None:
    march = period_of(date(2026, 3, 1), date(2026, 3, 31))
    out = tally(march, [(0, "metro", 2, 300), (4, "metro", 1, 50)], [(4, "bus", 1, 20)])
    assert out["by_mode"] == {
        "bus": {"trips": 0, "grams": 0, "reversed_trips": 1, "reversed_g": 20},
        "metro": {"trips": 3, "grams": 350, "reversed_trips": 0, "reversed_g": 0},
    }
    assert out["by_day"]["2026-03-05"] == {
        "trips": 1,
        "grams": 50,
        "reversed_trips": 1,
        "reversed_g": 20,
    }


def test_no_period_before_the_platforms_calendar() -> None:
    with pytest.raises(InvalidInput) as bad:
        period_of(date(1, 1, 1), date(1, 1, 31))  # its bounds would fall before year 1 in UTC
    assert bad.value.extra["field"] == "period_start"
