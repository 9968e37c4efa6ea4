"""Raw metro taps: reading them, pairing them per account in time order across batches, and the
journeys they make."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from domain.network.graph import Network, Stop
from domain.trips.model import BadRecord, Mode, Reason, TripRecord
from integrations.metro import Tap, journey_id, journey_record, pair, read_taps

T0 = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
NET = Network(
    [Stop("A", "A", 32.00, 118.80), Stop("B", "B", 32.01, 118.80), Stop("C", "C", 32.02, 118.81)],
    {"1": ["A", "B", "C"]},
)


def tap_in(account: str, station: str, minutes: float, device: str | None = None) -> Tap:
    return Tap(account, "in", station, T0 + timedelta(minutes=minutes), device)


def tap_out(account: str, station: str, minutes: float) -> Tap:
    return Tap(account, "out", station, T0 + timedelta(minutes=minutes))


# reading -------------------------------------------------------------------------------------


def test_read_taps_in_utc_with_optional_device() -> None:
    first = {"external_account": "c1", "tap": "in", "station": "A"}
    taps = read_taps(
        [
            {**first, "time": "2026-03-02T08:00:00+08:00", "device": "gate-7"},
            {**first, "tap": "out", "station": "C", "time": "2026-03-02T00:20:00Z"},
        ]
    )
    assert taps == [
        Tap("c1", "in", "A", T0, "gate-7"),
        Tap("c1", "out", "C", T0 + timedelta(minutes=20), None),
    ]
    assert all(isinstance(t, Tap) and t.time.tzinfo is UTC for t in taps)


def test_unreadable_taps_are_bad_records_in_input_order() -> None:
    good = {"external_account": "c1", "tap": "in", "station": "A", "time": "2026-03-02T00:00:00Z"}
    records: list[object] = [
        {**good, "tap": "sideways"},
        good,
        {**good, "time": "2026-03-02T08:00:00"},  # naive
        "tap in at A",
        {k: v for k, v in good.items() if k != "station"},
        {**good, "external_account": ""},
        {**good, "device": 7},
        {**good, "tap": "out"},
    ]
    out = read_taps(records)
    assert [type(o).__name__ for o in out] == [
        "BadRecord",
        "Tap",
        "BadRecord",
        "BadRecord",
        "BadRecord",
        "BadRecord",
        "BadRecord",
        "Tap",
    ]
    bad = [o for o in out if isinstance(o, BadRecord)]
    assert [b.index for b in bad] == [0, 2, 3, 4, 5, 6]
    assert all(b.external_trip_id is None and b.detail for b in bad)
    assert "timezone" in bad[1].detail


# pairing -------------------------------------------------------------------------------------


def test_in_then_out_is_a_journey() -> None:
    i, o = tap_in("c1", "A", 0), tap_out("c1", "C", 25)
    result = pair({}, [i, o], now=T0 + timedelta(hours=1))
    assert result.journeys == [(i, o)]
    assert (result.still_open, result.expired, result.orphans) == ({}, [], [])


def test_out_of_order_input_is_sorted_by_time_per_account() -> None:
    i1, o1 = tap_in("c1", "A", 0), tap_out("c1", "C", 20)
    i2, o2 = tap_in("c1", "C", 60), tap_out("c1", "B", 75)
    j1, k1 = tap_in("c2", "B", 5), tap_out("c2", "A", 15)
    result = pair({}, [o2, k1, i2, o1, j1, i1], now=T0 + timedelta(hours=2))
    assert result.journeys == [(i1, o1), (i2, o2), (j1, k1)]  # accounts by first appearance
    assert (result.still_open, result.expired, result.orphans) == ({}, [], [])


def test_tap_in_comes_before_tap_out_at_the_same_instant() -> None:
    i, o = tap_in("c1", "A", 10), tap_out("c1", "A", 10)
    assert pair({}, [o, i], now=T0 + timedelta(hours=1)).journeys == [(i, o)]


def test_missing_tap_out_stays_open_then_expires_after_four_hours() -> None:
    i = tap_in("c1", "A", 0)
    at_limit = pair({}, [i], now=T0 + timedelta(hours=4))
    assert at_limit.still_open == {"c1": i} and at_limit.expired == []
    later = pair({}, [i], now=T0 + timedelta(hours=4, seconds=1))
    assert later.still_open == {} and later.expired == [i]


def test_a_newer_tap_in_replaces_the_open_one() -> None:
    first, second, out = tap_in("c1", "A", 0), tap_in("c1", "B", 30), tap_out("c1", "C", 50)
    result = pair({}, [first, second, out], now=T0 + timedelta(hours=1))
    assert result.journeys == [(second, out)]
    assert result.expired == [first]


def test_tap_out_too_long_after_the_tap_in_is_an_orphan_and_the_in_expires() -> None:
    i = tap_in("c1", "A", 0)
    exactly, late = tap_out("c1", "C", 240), tap_out("c1", "C", 240.5)
    assert pair({}, [i, exactly], now=T0 + timedelta(hours=5)).journeys == [(i, exactly)]
    result = pair({}, [i, late], now=T0 + timedelta(hours=5))
    assert result.journeys == [] and result.expired == [i] and result.orphans == [late]


def test_tap_out_without_tap_in_is_an_orphan() -> None:
    o1, i, o2, o3 = (
        tap_out("c1", "A", 0),
        tap_in("c1", "A", 10),
        tap_out("c1", "C", 30),
        tap_out("c1", "B", 40),
    )
    result = pair({}, [o1, i, o2, o3], now=T0 + timedelta(hours=1))
    assert result.journeys == [(i, o2)]
    assert result.orphans == [o1, o3]
    assert result.expired == [] and result.still_open == {}


def test_taps_across_two_batches_pair_through_open_taps() -> None:
    i, o = tap_in("c1", "A", 0), tap_out("c1", "C", 30)
    first = pair({}, [i], now=T0 + timedelta(minutes=10))
    assert first.still_open == {"c1": i} and first.journeys == []
    second = pair(first.still_open, [o], now=T0 + timedelta(minutes=40))
    assert second.journeys == [(i, o)]
    assert (second.still_open, second.expired, second.orphans) == ({}, [], [])


def test_open_tap_in_of_an_account_absent_from_the_batch_expires_at_now() -> None:
    old, fresh = tap_in("c1", "A", 0), tap_in("c2", "B", 200)
    result = pair({"c1": old, "c2": fresh}, [], now=T0 + timedelta(hours=5))
    assert result.expired == [old]
    assert result.still_open == {"c2": fresh}


def test_open_tap_in_replayed_in_the_batch_counts_once() -> None:
    i, o = tap_in("c1", "A", 0), tap_out("c1", "C", 30)
    result = pair({"c1": i}, [i, o, o], now=T0 + timedelta(hours=1))
    assert result.journeys == [(i, o)]
    assert result.expired == [] and result.orphans == []


def test_late_tap_in_pairs_before_the_open_one_from_an_earlier_batch() -> None:
    open_in = tap_in("c1", "B", 120)
    late_in, late_out = tap_in("c1", "A", 0), tap_out("c1", "C", 30)
    result = pair({"c1": open_in}, [late_out, late_in], now=T0 + timedelta(hours=3))
    assert result.journeys == [(late_in, late_out)]
    assert result.still_open == {"c1": open_in}


def test_tap_out_before_the_open_tap_in_is_an_orphan() -> None:
    open_in, early_out = tap_in("c1", "B", 120), tap_out("c1", "C", 30)
    result = pair({"c1": open_in}, [early_out], now=T0 + timedelta(hours=3))
    assert result.orphans == [early_out]
    assert result.still_open == {"c1": open_in}


def test_max_open_is_configurable() -> None:
    i, o = tap_in("c1", "A", 0), tap_out("c1", "C", 90)
    result = pair({}, [i, o], now=T0 + timedelta(hours=2), max_open=timedelta(hours=1))
    assert result.journeys == [] and result.expired == [i] and result.orphans == [o]


# journeys ------------------------------------------------------------------------------------


def test_journey_id_is_stable_and_depends_on_account_station_and_time() -> None:
    i = tap_in("c1", "A", 0, device="gate-1")
    same = Tap("c1", "in", "A", datetime(2026, 3, 2, 8, tzinfo=timezone(timedelta(hours=8))))
    assert journey_id(i) == journey_id(same) == journey_id(tap_in("c1", "A", 0, device="gate-2"))
    assert re.fullmatch(r"tap-[0-9a-f]{32}", journey_id(i))
    others = {
        journey_id(tap_in("c2", "A", 0)),
        journey_id(tap_in("c1", "B", 0)),
        journey_id(tap_in("c1", "A", 1)),
    }
    assert len(others) == 3 and journey_id(i) not in others


def test_journey_record_uses_the_network_distance() -> None:
    i, o = tap_in("c1", "A", 0), tap_out("c1", "C", 25)
    trip = journey_record(i, o, NET)
    assert trip == TripRecord(
        external_trip_id=journey_id(i),
        external_account="c1",
        mode=Mode.METRO,
        started_at=i.time,
        ended_at=o.time,
        distance_m=NET.distance_m("A", "C"),
        origin="A",
        destination="C",
    )


def test_journey_record_same_station_and_unknown_station() -> None:
    zero = journey_record(tap_in("c1", "A", 0), tap_out("c1", "A", 5), NET)
    assert (zero.distance_m, zero.reason) == (0, Reason.ZERO_DISTANCE)
    unknown = journey_record(tap_in("c1", "A", 0), tap_out("c1", "Q9", 5), NET)
    assert (unknown.distance_m, unknown.reason) == (None, Reason.UNKNOWN_STATION)
    assert "Q9" in (unknown.detail or "")


def test_replayed_taps_give_the_same_trip_ids() -> None:
    batch = [
        tap_in("c1", "A", 0),
        tap_out("c1", "C", 25),
        tap_in("c1", "C", 60),
        tap_out("c1", "A", 80),
    ]
    now = T0 + timedelta(hours=2)
    ids = [journey_record(i, o, NET).external_trip_id for i, o in pair({}, batch, now).journeys]
    again = [
        journey_record(i, o, NET).external_trip_id for i, o in pair({}, batch[::-1], now).journeys
    ]
    assert ids == again and len(set(ids)) == 2
