"""MDS 1.2 and 2.0 trips -> TripRecord: the conservative distance, times, places, bad records."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

from domain.network.graph import haversine_m
from domain.trips.model import BadRecord, Mode, TripRecord
from integrations.bikeshare import read_mds_trips

START_MS = 1_772_409_600_123  # 2026-03-02T00:00:00.123Z
END_MS = START_MS + 15 * 60_000
P1, P2, P3 = (32.000000, 118.800000), (32.004000, 118.803000), (32.010000, 118.800000)
ROUTE_M = haversine_m(*P1, *P2) + haversine_m(*P2, *P3)  # about 1.2 km
LINE_M = haversine_m(*P1, *P3)  # about 1.1 km


def feature(point: tuple[float, float], ms: int) -> dict[str, Any]:
    lat, lon = point
    return {
        "type": "Feature",
        "properties": {"timestamp": ms},
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
    }


def route(*points: tuple[tuple[float, float], int]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": [feature(p, ms) for p, ms in points]}


def v12(**overrides: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "provider_id": "5f7114d1-4091-46ee-b492-e55875f7de00",
        "device_id": "bike-7",
        "trip_id": "b4b8a2a5-1c6e-4b9e-9a65-3c0d5b0b5f11",
        "external_account": "rider-42",
        "trip_duration": 900,
        "trip_distance": 5000,
        "route": route((P1, START_MS), (P2, START_MS + 400_000), (P3, END_MS)),
        "start_time": START_MS,
        "end_time": END_MS,
    }
    record.update(overrides)
    return record


def v20(**overrides: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "provider_id": "5f7114d1-4091-46ee-b492-e55875f7de00",
        "device_id": "bike-8",
        "trip_id": "0e3c8c8e-8b47-4a7a-8f3a-4b4f0d7c2c22",
        "external_account": "rider-43",
        "duration": 900,
        "distance": 5000,
        "start_location": {"lat": P1[0], "lng": P1[1]},
        "end_location": {"lat": P3[0], "lng": P3[1]},
        "start_time": START_MS,
        "end_time": END_MS,
    }
    record.update(overrides)
    return record


def one(record: dict[str, Any]) -> TripRecord:
    [trip] = read_mds_trips([record])
    assert isinstance(trip, TripRecord), trip
    return trip


def test_v12_trip_with_route_shorter_than_reported_uses_the_route() -> None:
    trip = one(v12())
    assert trip == TripRecord(
        external_trip_id="b4b8a2a5-1c6e-4b9e-9a65-3c0d5b0b5f11",
        external_account="rider-42",
        mode=Mode.BIKESHARE,
        started_at=datetime(2026, 3, 2, 0, 0, 0, 123_000, tzinfo=UTC),
        ended_at=datetime(2026, 3, 2, 0, 15, 0, 123_000, tzinfo=UTC),
        distance_m=math.floor(ROUTE_M),
        origin="32.000000,118.800000",
        destination="32.010000,118.800000",
    )


def test_v12_reported_distance_shorter_than_the_route_wins() -> None:
    assert one(v12(trip_distance=800)).distance_m == 800
    assert one(v12(trip_distance=800.9)).distance_m == 800  # floored


def test_v12_route_points_are_taken_in_timestamp_order() -> None:
    shuffled = route((P3, END_MS), (P1, START_MS), (P2, START_MS + 400_000))
    trip = one(v12(route=shuffled, trip_distance=None))
    assert trip.distance_m == math.floor(ROUTE_M)
    assert (trip.origin, trip.destination) == ("32.000000,118.800000", "32.010000,118.800000")


def test_v12_without_route_uses_the_reported_distance() -> None:
    trip = one({k: v for k, v in v12().items() if k != "route"})
    assert trip.distance_m == 5000
    assert (trip.origin, trip.destination) == (None, None)


def test_v12_single_point_route_without_distance_is_a_zero_straight_line() -> None:
    trip = one(v12(route=route((P1, START_MS)), trip_distance=None))
    assert trip.distance_m == 0
    assert trip.origin == trip.destination == "32.000000,118.800000"


def test_v12_single_point_route_with_distance_uses_the_distance() -> None:
    assert one(v12(route=route((P1, START_MS)))).distance_m == 5000


def test_v20_reported_distance() -> None:
    trip = one(v20(distance=1500))
    assert trip.external_trip_id == "0e3c8c8e-8b47-4a7a-8f3a-4b4f0d7c2c22"
    assert trip.distance_m == 1500
    assert (trip.origin, trip.destination) == ("32.000000,118.800000", "32.010000,118.800000")
    assert trip.started_at == datetime(2026, 3, 2, 0, 0, 0, 123_000, tzinfo=UTC)


def test_v20_without_distance_is_the_straight_line() -> None:
    trip = one({k: v for k, v in v20().items() if k != "distance"})
    assert trip.distance_m == math.floor(LINE_M)


def test_v20_distance_without_locations() -> None:
    trip = one({k: v for k, v in v20().items() if not k.endswith("_location")})
    assert trip.distance_m == 5000
    assert (trip.origin, trip.destination) == (None, None)


def test_end_before_start_is_left_to_the_rules() -> None:
    trip = one(v20(end_time=START_MS - 1000))
    assert trip.ended_at < trip.started_at


def test_bad_records_never_raise_and_keep_input_order() -> None:
    no_account = {k: v for k, v in v20(trip_id="t-no-account").items() if k != "external_account"}
    records: list[object] = [
        v12(trip_id="ok-1"),
        no_account,
        v20(trip_id="t-mixed", route=route((P1, START_MS))),
        {"trip_id": "t-neither", "external_account": "r", "start_time": 1, "end_time": 2},
        {
            k: v
            for k, v in v20(trip_id="t-nothing").items()
            if k not in ("distance", "start_location", "end_location")
        }
        | {"duration": 60},
        v20(trip_id="t-lat", start_location={"lat": 95.0, "lng": 118.8}),
        v20(trip_id="t-iso", start_time="2026-03-02T00:00:00Z"),
        v12(
            trip_id="t-geom",
            route={
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"timestamp": START_MS},
                        "geometry": {
                            "type": "LineString",
                            "coordinates": [[118.8, 32.0], [118.9, 32.1]],
                        },
                    }
                ],
            },
        ),
        v12(trip_id="t-lon", route=route((P1, START_MS), ((32.0, 190.0), END_MS))),
        v20(trip_id="t-neg", distance=-5),
        v20(trip_id="t-bool", distance=True),
        "not a trip",
        v20(trip_id=""),
        v20(trip_id="ok-2"),
    ]
    out = read_mds_trips(records)
    assert len(out) == len(records)
    assert isinstance(out[0], TripRecord) and isinstance(out[-1], TripRecord)
    bad = out[1:-1]
    assert all(isinstance(b, BadRecord) for b in bad)
    assert [b.index for b in bad] == list(range(1, len(records) - 1))  # type: ignore[union-attr]
    assert [b.external_trip_id for b in bad] == [  # type: ignore[union-attr]
        "t-no-account",
        "t-mixed",
        "t-neither",
        "t-nothing",
        "t-lat",
        "t-iso",
        "t-geom",
        "t-lon",
        "t-neg",
        "t-bool",
        None,
        None,
    ]
    details = {b.external_trip_id: b.detail for b in bad}  # type: ignore[union-attr]
    assert "external_account" in details["t-no-account"]
    assert "1.2 and 2.0" in details["t-mixed"]
    assert "190" in details["t-lon"]
    assert "no route" in details["t-nothing"]


def test_empty_batch() -> None:
    assert read_mds_trips([]) == []
