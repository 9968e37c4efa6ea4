"""Metro journey records -> TripRecord: network distance, zero distance, unknown stations, and
unreadable records as BadRecords in input order."""

from __future__ import annotations

import math
from datetime import UTC, datetime

from domain.network.demo import nanjing_demo
from domain.network.graph import Network, Stop, haversine_m
from domain.trips.model import BadRecord, Mode, Reason, TripRecord
from integrations.metro import read_journeys

STOPS = [
    Stop("A", "A", 32.00, 118.80),
    Stop("B", "B", 32.01, 118.80),
    Stop("C", "C", 32.02, 118.81),
    Stop("X", "island", 31.90, 118.70),  # on a line of its own: no path to A, B, C
    Stop("Y", "island 2", 31.91, 118.70),
]
NET = Network(STOPS, {"1": ["A", "B", "C"], "9": ["X", "Y"]})
A_TO_C = math.floor(
    haversine_m(32.00, 118.80, 32.01, 118.80) + haversine_m(32.01, 118.80, 32.02, 118.81)
)


def journey(**overrides: object) -> dict[str, object]:
    record: dict[str, object] = {
        "external_trip_id": "j-1",
        "external_account": "card-1",
        "entry_station": "A",
        "exit_station": "C",
        "entry_time": "2026-03-02T08:00:00+08:00",
        "exit_time": "2026-03-02T08:25:30+08:00",
    }
    record.update(overrides)
    return record


def test_journey_becomes_a_metro_trip_in_utc_with_the_network_distance() -> None:
    [trip] = read_journeys([journey()], NET)
    assert trip == TripRecord(
        external_trip_id="j-1",
        external_account="card-1",
        mode=Mode.METRO,
        started_at=datetime(2026, 3, 2, 0, 0, tzinfo=UTC),
        ended_at=datetime(2026, 3, 2, 0, 25, 30, tzinfo=UTC),
        distance_m=A_TO_C,
        origin="A",
        destination="C",
    )
    assert trip.started_at.utcoffset() is not None and trip.started_at.tzinfo is UTC


def test_z_suffix_and_unknown_extra_fields_are_accepted() -> None:
    [trip] = read_journeys([journey(entry_time="2026-03-02T00:00:00Z", fare_fen=400)], NET)
    assert isinstance(trip, TripRecord)
    assert trip.started_at == datetime(2026, 3, 2, tzinfo=UTC)


def test_distance_matches_the_demo_network() -> None:
    demo = nanjing_demo()
    [trip] = read_journeys([journey(entry_station="NJM101", exit_station="NJM110")], demo)
    assert isinstance(trip, TripRecord)
    assert trip.distance_m == demo.distance_m("NJM101", "NJM110") > 0
    assert trip.reason is None


def test_same_station_is_zero_distance() -> None:
    [trip] = read_journeys([journey(exit_station="A")], NET)
    assert isinstance(trip, TripRecord)
    assert (trip.distance_m, trip.reason) == (0, Reason.ZERO_DISTANCE)


def test_unknown_entry_or_exit_station_is_named() -> None:
    trips = read_journeys([journey(entry_station="NOPE"), journey(exit_station="GONE")], NET)
    for trip, code in zip(trips, ["NOPE", "GONE"], strict=True):
        assert isinstance(trip, TripRecord)
        assert (trip.distance_m, trip.reason) == (None, Reason.UNKNOWN_STATION)
        assert code in (trip.detail or "")


def test_unknown_station_wins_over_zero_distance() -> None:
    [trip] = read_journeys([journey(entry_station="NOPE", exit_station="NOPE")], NET)
    assert isinstance(trip, TripRecord)
    assert (trip.distance_m, trip.reason) == (None, Reason.UNKNOWN_STATION)


def test_stations_without_a_path_have_no_distance() -> None:
    [trip] = read_journeys([journey(exit_station="X")], NET)
    assert isinstance(trip, TripRecord)
    assert (trip.distance_m, trip.reason) == (None, Reason.UNKNOWN_STATION)
    assert "no path" in (trip.detail or "")


def test_exit_before_entry_is_left_to_the_rules() -> None:
    [trip] = read_journeys([journey(exit_time="2026-03-02T07:00:00+08:00")], NET)
    assert isinstance(trip, TripRecord)
    assert trip.ended_at < trip.started_at


def test_bad_records_never_raise_and_keep_input_order() -> None:
    records: list[object] = [
        journey(external_trip_id="ok-1"),
        ["not", "an", "object"],
        None,
        journey(external_trip_id="naive", entry_time="2026-03-02T08:00:00"),
        {k: v for k, v in journey(external_trip_id="no-exit").items() if k != "exit_station"},
        journey(external_trip_id="", entry_station="A"),
        journey(external_trip_id="x" * 129),
        journey(external_trip_id="typed", entry_station=101),
        journey(external_trip_id="no-account", external_account=""),
        journey(external_trip_id="garbage-time", exit_time="yesterday"),
        journey(external_trip_id="ok-2", entry_station="NOPE"),
    ]
    out = read_journeys(records, NET)
    assert len(out) == len(records)
    assert [type(o).__name__ for o in out] == ["TripRecord"] + ["BadRecord"] * 9 + ["TripRecord"]
    bad = [o for o in out if isinstance(o, BadRecord)]
    assert [b.index for b in bad] == list(range(1, 10))
    assert [b.external_trip_id for b in bad] == [
        None,
        None,
        "naive",
        "no-exit",
        None,
        None,
        "typed",
        "no-account",
        "garbage-time",
    ]
    assert "timezone" in bad[2].detail
    assert "exit_station" in bad[3].detail
    assert all(b.detail for b in bad)
    assert isinstance(out[-1], TripRecord) and out[-1].reason is Reason.UNKNOWN_STATION


def test_longest_allowed_ids_are_read() -> None:
    [trip] = read_journeys([journey(external_trip_id="t" * 128, external_account="a" * 128)], NET)
    assert isinstance(trip, TripRecord)


def test_empty_batch() -> None:
    assert read_journeys([], NET) == []
