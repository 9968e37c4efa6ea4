"""Monitoring periods: inside the crediting period, one calendar year, no overlap."""

from __future__ import annotations

from datetime import date

import pytest

from domain.errors import Conflict, InvalidInput
from domain.projects.periods import check_period, overlaps, refuse_overlap

START, END = date(2024, 3, 1), date(2027, 6, 30)


def test_vintage_is_the_periods_year():
    assert check_period(date(2024, 3, 1), date(2024, 12, 31), START, END) == 2024
    assert check_period(date(2027, 6, 30), date(2027, 6, 30), START, END) == 2027


@pytest.mark.parametrize(
    ("start", "end", "code", "field"),
    [
        (date(2024, 2, 29), date(2024, 5, 1), "period_outside_crediting", "period_start"),
        (date(2027, 1, 1), date(2027, 7, 1), "period_outside_crediting", "period_end"),
        (date(2024, 12, 1), date(2025, 1, 31), "period_spans_years", "period_end"),
        (date(2024, 5, 2), date(2024, 5, 1), "invalid_period", "period_end"),
    ],
)
def test_refusals_name_the_field(start, end, code, field):
    with pytest.raises(InvalidInput) as caught:
        check_period(start, end, START, END)
    assert caught.value.code == code and caught.value.extra["field"] == field


def test_overlap_shares_a_day():
    assert overlaps(date(2024, 1, 1), date(2024, 6, 30), date(2024, 6, 30), date(2024, 12, 31))
    assert not overlaps(date(2024, 1, 1), date(2024, 6, 29), date(2024, 6, 30), date(2024, 7, 1))
    others = [("r1", date(2024, 1, 1), date(2024, 6, 30))]
    refuse_overlap(date(2024, 7, 1), date(2024, 12, 31), others)
    with pytest.raises(Conflict) as caught:
        refuse_overlap(date(2024, 6, 1), date(2024, 7, 31), others)
    assert caught.value.code == "period_overlaps" and caught.value.extra["report_id"] == "r1"
