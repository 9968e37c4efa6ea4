"""The detectors' pure rules: which hours an operator-rate run looks at, when a rate fires (the
factor, the floor, too few trips) and how long two trips overlap."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from domain.persistence.repositories.supervision import OperatorRates, OverlapPair, TripSide
from domain.supervision.operator_rates import findings, hours_to_check
from domain.supervision.overlapping_accounts import overlap_seconds
from domain.supervision.thresholds import Thresholds

T = Thresholds()  # factor 3, at least 20 trips, floor 2 %


def rates(trips: int, rejected: int, dups: int, base: int, base_rej: int, base_dups: int):
    return OperatorRates("op", trips, rejected, dups, base, base_rej, base_dups)


def test_the_last_complete_hours_oldest_first() -> None:
    now = datetime(2026, 12, 2, 9, 41, 7, tzinfo=UTC)
    assert hours_to_check(now, 3) == [datetime(2026, 12, 2, h, tzinfo=UTC) for h in (6, 7, 8)]


def test_a_rate_fires_at_exactly_the_factor_and_not_below() -> None:
    # baseline 5 % (above the floor): 15 % fires, 14.x % does not
    assert findings(rates(40, 6, 0, 100, 5, 0), T) == [("reject", 6, 5)]
    assert findings(rates(41, 6, 0, 100, 5, 0), T) == []


def test_a_clean_baseline_counts_as_the_floor() -> None:
    # baseline 0 %: the floor (2 %) times 3 is 6 %: one bad trip in 20 (5 %) is quiet
    assert findings(rates(20, 1, 0, 100, 0, 0), T) == []
    assert findings(rates(20, 2, 2, 100, 0, 0), T) == [("reject", 2, 0), ("duplicate", 2, 0)]


def test_too_few_trips_in_the_hour_or_the_baseline_are_not_judged() -> None:
    assert findings(rates(19, 19, 0, 100, 0, 0), T) == []
    assert findings(rates(20, 20, 0, 19, 0, 0), T) == []
    assert findings(rates(20, 20, 0, 19, 0, 0), Thresholds(rate_min_trips=19)) != []


def test_overlap_is_the_shared_span() -> None:
    t0 = datetime(2026, 12, 2, 8, tzinfo=UTC)

    def side(start: int, end: int) -> TripSide:
        return TripSide(
            "t", "op", t0 + timedelta(minutes=start), t0 + timedelta(minutes=end), "", None
        )

    assert overlap_seconds(OverlapPair("c", date(2026, 12, 2), side(0, 20), side(10, 30))) == 600
    assert overlap_seconds(OverlapPair("c", date(2026, 12, 2), side(0, 30), side(5, 10))) == 300
