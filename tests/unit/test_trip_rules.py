"""Per-trip rules: each reason code, just inside and just outside its limit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec
import pytest

from domain.errors import InvalidInput
from domain.methodology.params import NJ_GT_V1, MethodologyParams
from domain.trips.model import Mode, Reason, TripRecord
from domain.trips.rules import check, credited_distance_m, overlaps

RECEIVED = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
END = RECEIVED - timedelta(hours=1)
CONSENT = END - timedelta(days=30)
S = timedelta(seconds=1)


def trip(**changes: Any) -> TripRecord:
    fields: dict[str, Any] = {
        "external_trip_id": "t-1",
        "external_account": "acct-1",
        "mode": Mode.METRO,
        "started_at": END - timedelta(minutes=20),
        "ended_at": END,
        "distance_m": 10_000,
    }
    fields.update(changes)
    if "ended_at" in changes and "started_at" not in changes:
        fields["started_at"] = changes["ended_at"] - timedelta(minutes=20)
    return TripRecord(**fields)


def run(
    t: TripRecord,
    *,
    consent: datetime | None = CONSENT,
    received: datetime = RECEIVED,
    params: MethodologyParams = NJ_GT_V1,
) -> Reason | None:
    return check(t, params, received_at=received, consent_given_at=consent)


def lasting(seconds: float, **changes: Any) -> TripRecord:
    return trip(started_at=END - timedelta(seconds=seconds), ended_at=END, **changes)


def test_a_plain_trip_passes() -> None:
    assert run(trip()) is None


def test_the_adapters_reason_comes_first() -> None:
    bad = trip(distance_m=None, reason=Reason.UNKNOWN_STATION, ended_at=RECEIVED + timedelta(1))
    assert run(bad, consent=None) == Reason.UNKNOWN_STATION


def test_in_future_beyond_300_seconds() -> None:
    assert run(trip(ended_at=RECEIVED + 300 * S)) is None
    assert run(trip(ended_at=RECEIVED + 301 * S)) == Reason.IN_FUTURE
    assert run(trip(ended_at=RECEIVED + 301 * S), consent=None) == Reason.IN_FUTURE  # order


def test_too_old_beyond_7_days() -> None:
    assert run(trip(ended_at=RECEIVED - timedelta(days=7))) is None
    assert run(trip(ended_at=RECEIVED - timedelta(days=7) - S)) == Reason.TOO_OLD
    assert run(trip(ended_at=RECEIVED - timedelta(days=8)), consent=None) == Reason.TOO_OLD


def test_no_consent_unless_given_by_the_trips_end() -> None:
    assert run(trip(), consent=END) is None
    assert run(trip(), consent=END + S) == Reason.NO_CONSENT
    assert run(trip(), consent=None) == Reason.NO_CONSENT
    assert run(lasting(10), consent=None) == Reason.NO_CONSENT  # before bad_duration


def test_bad_duration_below_2_minutes_or_above_4_hours() -> None:
    assert run(lasting(120, distance_m=1_000)) is None
    assert run(lasting(119, distance_m=1_000)) == Reason.BAD_DURATION
    assert run(lasting(4 * 3600)) is None
    assert run(lasting(4 * 3600 + 1)) == Reason.BAD_DURATION
    assert run(lasting(-600)) == Reason.BAD_DURATION  # ends before it starts
    assert run(lasting(10, distance_m=0)) == Reason.BAD_DURATION  # before zero_distance


def test_bus_max_duration_is_3_hours() -> None:
    assert run(lasting(3 * 3600, mode=Mode.BUS)) is None
    assert run(lasting(3 * 3600 + 1, mode=Mode.BUS)) == Reason.BAD_DURATION


def test_zero_distance_then_too_short() -> None:
    assert run(trip(distance_m=0)) == Reason.ZERO_DISTANCE
    assert run(trip(distance_m=1)) == Reason.TOO_SHORT
    assert run(trip(distance_m=999)) == Reason.TOO_SHORT
    assert run(trip(distance_m=1_000)) is None
    assert run(trip(mode=Mode.BIKESHARE, distance_m=499)) == Reason.TOO_SHORT
    assert run(trip(mode=Mode.BIKESHARE, distance_m=500)) is None


def test_too_fast_above_the_modes_average_speed() -> None:
    # 4,000 m in 180 s is exactly 80 km/h: allowed; one metre more is not.
    assert run(lasting(180, distance_m=4_000)) is None
    assert run(lasting(180, distance_m=4_001)) == Reason.TOO_FAST
    # 13,333 m in 600 s is 79.998 km/h; 13,334 m is 80.004 km/h.
    assert run(lasting(600, distance_m=13_333)) is None
    assert run(lasting(600, distance_m=13_334)) == Reason.TOO_FAST
    # Sub-second precision counts: 4,000 m in 179.999 s is above 80 km/h.
    assert run(lasting(179.999, distance_m=4_000)) == Reason.TOO_FAST
    # Bike-share limit is 25 km/h: 1,000 m in 144 s exactly.
    assert run(lasting(144, mode=Mode.BIKESHARE, distance_m=1_000)) is None
    assert run(lasting(143, mode=Mode.BIKESHARE, distance_m=1_000)) == Reason.TOO_FAST


def test_bus_without_alighting_skips_duration_and_speed_and_uses_the_default_length() -> None:
    boarding = trip(
        mode=Mode.BUS,
        started_at=END,
        ended_at=END,
        distance_m=None,
        duration_known=False,
        uses_default_distance=True,
    )
    assert run(boarding) is None
    assert credited_distance_m(boarding, NJ_GT_V1.for_mode(Mode.BUS)) == 4_000
    known = msgspec.structs.replace(boarding, duration_known=True)
    assert run(known) == Reason.BAD_DURATION  # the same trip, if its 0 s duration were real
    fast = trip(mode=Mode.BUS, started_at=END - 60 * S, distance_m=50_000, duration_known=False)
    assert run(fast) is None


def test_default_distance_needs_a_default_in_the_methodology() -> None:
    metro = trip(distance_m=None, uses_default_distance=True)
    with pytest.raises(InvalidInput):
        credited_distance_m(metro, NJ_GT_V1.for_mode(Mode.METRO))
    with pytest.raises(InvalidInput):
        run(metro)


def test_a_trip_without_distance_or_reason_is_an_invalid_record() -> None:
    assert run(trip(distance_m=None)) == Reason.INVALID_RECORD
    assert run(trip(distance_m=-5)) == Reason.INVALID_RECORD


def test_naive_times_and_missing_modes_are_refused() -> None:
    with pytest.raises(InvalidInput):
        run(trip(), received=RECEIVED.replace(tzinfo=None))
    with pytest.raises(InvalidInput):
        run(trip(), params=MethodologyParams(modes={"bus": NJ_GT_V1.for_mode(Mode.BUS)}))


T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
M = timedelta(minutes=1)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ((0, 10), (10, 20), False),  # touching: a ends as b starts
        ((10, 20), (0, 10), False),  # touching, other way round
        ((0, 10), (9, 20), True),  # one minute in common
        ((9, 20), (0, 10), True),
        ((0, 30), (10, 20), True),  # containment
        ((10, 20), (0, 30), True),
        ((0, 10), (0, 10), True),  # identical
        ((0, 10), (11, 20), False),  # apart
        ((5, 5), (0, 10), False),  # an empty interval overlaps nothing
    ],
)
def test_overlaps(a: tuple[int, int], b: tuple[int, int], expected: bool) -> None:
    assert overlaps(T0 + a[0] * M, T0 + a[1] * M, T0 + b[0] * M, T0 + b[1] * M) is expected
