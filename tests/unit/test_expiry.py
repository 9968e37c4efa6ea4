"""Points expire at 23:59:59 Asia/Shanghai on 31 December of the year after they were earned."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.clock import SHANGHAI
from domain.errors import InvalidInput
from domain.points.expiry import expiry_for


def test_last_half_hour_of_the_year_in_shanghai_counts_for_that_year() -> None:
    earned = datetime(2026, 12, 31, 23, 30, tzinfo=SHANGHAI)
    assert earned.astimezone(UTC) == datetime(2026, 12, 31, 15, 30, tzinfo=UTC)
    expires = expiry_for(earned.astimezone(UTC))
    assert expires == datetime(2027, 12, 31, 23, 59, 59, tzinfo=SHANGHAI)
    assert expires == datetime(2027, 12, 31, 15, 59, 59, tzinfo=UTC)
    assert expires.tzinfo is UTC


def test_after_shanghai_midnight_it_is_already_next_year() -> None:
    earned = datetime(2026, 12, 31, 16, 30, tzinfo=UTC)  # 2027-01-01 00:30 in Shanghai
    assert expiry_for(earned) == datetime(2028, 12, 31, 15, 59, 59, tzinfo=UTC)
    just_before = datetime(2026, 12, 31, 15, 59, 59, 999_999, tzinfo=UTC)
    assert expiry_for(just_before) == datetime(2027, 12, 31, 15, 59, 59, tzinfo=UTC)


def test_leap_years() -> None:
    assert expiry_for(datetime(2028, 2, 29, 12, tzinfo=SHANGHAI)) == datetime(
        2029, 12, 31, 15, 59, 59, tzinfo=UTC
    )
    assert expiry_for(datetime(2027, 3, 1, tzinfo=SHANGHAI)) == datetime(
        2028, 12, 31, 15, 59, 59, tzinfo=UTC
    )


def test_naive_times_are_refused() -> None:
    with pytest.raises(InvalidInput):
        expiry_for(datetime(2026, 5, 1, 12, 0))
