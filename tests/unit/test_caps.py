"""Daily caps: 10 credited trips and 3,000 points per citizen and Shanghai day."""

from __future__ import annotations

from domain.methodology.params import PointsRule
from domain.trips.caps import DayTally, apply_caps
from domain.trips.model import Reason, Status

RULE = PointsRule()


def test_the_tenth_trip_is_credited_and_the_eleventh_capped() -> None:
    tally = DayTally()
    for _ in range(10):
        assert apply_caps(100, tally, RULE) == (100, Status.CREDITED, None)
    assert tally == DayTally(trips=10, points=1000)
    assert apply_caps(100, tally, RULE) == (0, Status.CAPPED, Reason.DAILY_TRIP_CAP)
    assert tally == DayTally(trips=10, points=1000)  # a capped trip is not counted


def test_crossing_the_points_cap_earns_only_the_remainder() -> None:
    tally = DayTally(trips=3, points=2_900)
    assert apply_caps(468, tally, RULE) == (100, Status.CREDITED, None)
    assert tally == DayTally(trips=4, points=3_000)
    assert apply_caps(50, tally, RULE) == (0, Status.CAPPED, Reason.DAILY_POINTS_CAP)
    assert tally == DayTally(trips=4, points=3_000)


def test_exactly_reaching_the_points_cap_is_fully_credited() -> None:
    tally = DayTally(points=2_500)
    assert apply_caps(500, tally, RULE) == (500, Status.CREDITED, None)
    assert apply_caps(1, tally, RULE)[2] == Reason.DAILY_POINTS_CAP


def test_the_trip_cap_is_reported_before_the_points_cap() -> None:
    tally = DayTally(trips=10, points=3_000)
    assert apply_caps(10, tally, RULE)[2] == Reason.DAILY_TRIP_CAP


def test_caps_follow_the_rule() -> None:
    rule = PointsRule(daily_trip_cap=2, daily_points_cap=150)
    tally = DayTally()
    assert apply_caps(100, tally, rule)[0] == 100
    assert apply_caps(100, tally, rule)[0] == 50
    assert apply_caps(0, DayTally(trips=2), rule)[2] == Reason.DAILY_TRIP_CAP
