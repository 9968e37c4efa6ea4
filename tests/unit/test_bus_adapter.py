"""Bus boardings -> TripRecord: straight line x 1.3 floored, the default-distance flag, a missing
alighting time, unknown stops, bad records."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

from domain.network.graph import Network, Stop, haversine_m
from domain.trips.model import BadRecord, Mode, Reason, TripRecord
from integrations.bus import DETOUR_FACTOR, read_boardings

STOPS = [Stop("S1", "鼓楼", 32.0588, 118.7789), Stop("S2", "新街口", 32.0418, 118.7844)]
NET = Network(STOPS, {"34": ["S1", "S2"]})
BOARD = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def boarding(**overrides: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "external_trip_id": "bus-1",
        "external_account": "card-9",
        "route_id": "34",
        "board_stop": "S1",
        "board_time": "2026-03-02T09:00:00+08:00",
        "alight_stop": "S2",
        "alight_time": "2026-03-02T09:12:00+08:00",
    }
    record.update(overrides)
    return {k: v for k, v in record.items() if v is not ...}


def one(record: dict[str, Any]) -> TripRecord:
    [trip] = read_boardings([record], NET)
    assert isinstance(trip, TripRecord), trip
    return trip


def test_distance_is_the_straight_line_times_the_detour_factor_floored() -> None:
    trip = one(boarding())
    straight = haversine_m(32.0588, 118.7789, 32.0418, 118.7844)
    assert DETOUR_FACTOR == 1.3
    assert trip == TripRecord(
        external_trip_id="bus-1",
        external_account="card-9",
        mode=Mode.BUS,
        started_at=BOARD,
        ended_at=datetime(2026, 3, 2, 1, 12, tzinfo=UTC),
        distance_m=math.floor(straight * 1.3),
        origin="S1",
        destination="S2",
    )
    assert 2000 < trip.distance_m < 3000  # type: ignore[operator]


def test_without_alighting_stop_the_default_distance_applies() -> None:
    trip = one(boarding(alight_stop=...))
    assert trip.distance_m is None and trip.uses_default_distance is True
    assert trip.destination is None and trip.reason is None
    assert trip.ended_at == datetime(2026, 3, 2, 1, 12, tzinfo=UTC) and trip.duration_known


def test_without_alighting_time_the_duration_is_unknown() -> None:
    trip = one(boarding(alight_time=...))
    assert trip.started_at == trip.ended_at == BOARD
    assert trip.duration_known is False
    assert trip.distance_m is not None and not trip.uses_default_distance


def test_with_neither_alighting_stop_nor_time() -> None:
    trip = one(boarding(alight_stop=..., alight_time=None))
    assert (trip.distance_m, trip.uses_default_distance, trip.duration_known) == (None, True, False)
    assert trip.started_at == trip.ended_at == BOARD


def test_same_stop_is_zero_distance() -> None:
    trip = one(boarding(alight_stop="S1"))
    assert (trip.distance_m, trip.reason) == (0, Reason.ZERO_DISTANCE)


def test_unknown_stops_are_named() -> None:
    for overrides, code in (
        ({"board_stop": "S404"}, "S404"),
        ({"alight_stop": "S405"}, "S405"),
        ({"board_stop": "S406", "alight_stop": ...}, "S406"),
    ):
        trip = one(boarding(**overrides))
        assert (trip.distance_m, trip.reason) == (None, Reason.UNKNOWN_STATION)
        assert code in (trip.detail or "")


def test_bad_records_never_raise_and_keep_input_order() -> None:
    records: list[object] = [
        boarding(external_trip_id="ok-1"),
        boarding(external_trip_id="naive-board", board_time="2026-03-02T09:00:00"),
        boarding(external_trip_id="naive-alight", alight_time="2026-03-02T09:12:00"),
        boarding(external_trip_id="no-route", route_id=...),
        boarding(external_trip_id="no-board", board_stop=...),
        boarding(external_trip_id="int-stop", alight_stop=17),
        boarding(external_trip_id="no-account", external_account=...),
        42,
        boarding(external_trip_id="ok-2", alight_time="2026-03-02T08:00:00+08:00"),
    ]
    out = read_boardings(records, NET)
    assert len(out) == len(records)
    assert isinstance(out[0], TripRecord) and isinstance(out[-1], TripRecord)
    assert out[-1].ended_at < out[-1].started_at  # bad_duration is the rules' call
    bad = out[1:-1]
    assert all(isinstance(b, BadRecord) for b in bad)
    assert [(b.index, b.external_trip_id) for b in bad] == [  # type: ignore[union-attr]
        (1, "naive-board"),
        (2, "naive-alight"),
        (3, "no-route"),
        (4, "no-board"),
        (5, "int-stop"),
        (6, "no-account"),
        (7, None),
    ]
    assert "timezone" in bad[0].detail  # type: ignore[union-attr]
    assert "route_id" in bad[2].detail  # type: ignore[union-attr]
