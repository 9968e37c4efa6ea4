"""Raw metro taps: reading them, pairing them per account in time order across batches, and the
journeys they make."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import msgspec

from domain.network.graph import Network, Stop
from domain.trips.model import BadRecord, Mode, Reason, TripRecord
from integrations.metro import Tap, journey_id, journey_record, pair, read_taps
from integrations.metro.taps import MAX_WAITING

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


def near(tap: Tap, minutes: float) -> Tap:
    """The tap as it waits: with the time of its neighbour on its pair's side."""
    return msgspec.structs.replace(tap, neighbour_at=T0 + timedelta(minutes=minutes))


def test_in_then_out_is_a_journey() -> None:
    i, o = tap_in("c1", "A", 0), tap_out("c1", "C", 25)
    result = pair([], [i, o], now=T0 + timedelta(hours=1))
    assert result.journeys == [(i, o)]
    assert (result.waiting, result.expired, result.orphans) == ([], [], [])


def test_out_then_in_in_one_batch_is_the_same_journey() -> None:
    i, o = tap_in("c1", "A", 0), tap_out("c1", "C", 25)
    result = pair([], [o, i], now=T0 + timedelta(hours=1))
    assert result.journeys == [(i, o)]
    assert (result.waiting, result.expired, result.orphans) == ([], [], [])


def test_out_of_order_input_is_sorted_by_time_per_account() -> None:
    i1, o1 = tap_in("c1", "A", 0), tap_out("c1", "C", 20)
    i2, o2 = tap_in("c1", "C", 60), tap_out("c1", "B", 75)
    j1, k1 = tap_in("c2", "B", 5), tap_out("c2", "A", 15)
    result = pair([], [o2, k1, i2, o1, j1, i1], now=T0 + timedelta(hours=2))
    assert result.journeys == [(i1, o1), (i2, o2), (j1, k1)]  # accounts by first appearance
    assert (result.waiting, result.expired, result.orphans) == ([], [], [])


def test_tap_in_comes_before_tap_out_at_the_same_instant() -> None:
    i, o = tap_in("c1", "A", 10), tap_out("c1", "A", 10)
    assert pair([], [o, i], now=T0 + timedelta(hours=1)).journeys == [(i, o)]


def test_missing_tap_out_waits_then_expires_after_four_hours() -> None:
    i = tap_in("c1", "A", 0)
    at_limit = pair([], [i], now=T0 + timedelta(hours=4))
    assert at_limit.waiting == [i] and at_limit.expired == []
    later = pair([], [i], now=T0 + timedelta(hours=4, seconds=1))
    assert later.waiting == [] and later.expired == [i]


def test_missing_tap_in_waits_then_the_tap_out_is_an_orphan_after_four_hours() -> None:
    o = tap_out("c1", "C", 30)
    at_limit = pair([], [o], now=T0 + timedelta(hours=4, minutes=30))
    assert at_limit.waiting == [o] and at_limit.orphans == []
    assert at_limit.count_waiting("out") == 1 and at_limit.count_waiting("in") == 0
    later = pair(at_limit.waiting, [], now=T0 + timedelta(hours=4, minutes=30, seconds=1))
    assert later.waiting == [] and later.orphans == [o] and later.journeys == []


def test_tap_out_first_then_its_tap_in_in_a_later_batch() -> None:
    i, o = tap_in("c1", "A", 0), tap_out("c1", "C", 30)
    first = pair([], [o], now=T0 + timedelta(minutes=35))
    assert first.waiting == [o] and first.journeys == [] and first.orphans == []
    second = pair(first.waiting, [i], now=T0 + timedelta(hours=3))
    assert second.journeys == [(i, o)]
    assert (second.waiting, second.expired, second.orphans) == ([], [], [])


def test_a_tap_in_older_than_four_hours_still_pairs_with_its_waiting_tap_out() -> None:
    """The tap-out waited (it is 3 h old); its tap-in's gate uploaded 5 h late."""
    i, o = tap_in("c1", "A", 0), tap_out("c1", "C", 120)
    result = pair([o], [i], now=T0 + timedelta(hours=5))
    assert result.journeys == [(i, o)] and result.expired == []


def test_a_tap_in_that_comes_after_its_tap_out_gave_up_waits_alone() -> None:
    i, o = tap_in("c1", "A", 0), tap_out("c1", "C", 30)
    gave_up = pair([o], [], now=T0 + timedelta(hours=4, minutes=31))
    assert gave_up.orphans == [o] and gave_up.waiting == []
    result = pair(gave_up.waiting, [i], now=T0 + timedelta(hours=5))
    assert result.journeys == [] and result.expired == [i]


def test_two_journeys_whose_tap_ins_both_come_late() -> None:
    """A newer tap-out does not replace a waiting one: each waits for its own tap-in."""
    i1, o1 = tap_in("c1", "A", 0), tap_out("c1", "B", 20)
    i2, o2 = tap_in("c1", "B", 60), tap_out("c1", "C", 80)
    first = pair([], [o1, o2], now=T0 + timedelta(hours=2))
    assert first.waiting == [o1, near(o2, 20)] and first.orphans == []
    second = pair(first.waiting, [i2], now=T0 + timedelta(hours=2, minutes=5))
    assert second.journeys == [(i2, near(o2, 20))] and second.waiting == [o1]
    third = pair(second.waiting, [i1], now=T0 + timedelta(hours=3))
    assert third.journeys == [(i1, o1)] and third.waiting == []


def test_an_older_tap_in_keeps_waiting_for_a_late_tap_out_before_the_newer_one() -> None:
    first, second, out = tap_in("c1", "A", 0), tap_in("c1", "B", 30), tap_out("c1", "C", 50)
    result = pair([], [first, second, out], now=T0 + timedelta(hours=1))
    assert result.journeys == [(second, out)]
    assert result.waiting == [near(first, 30)] and result.expired == []
    late_out = tap_out("c1", "D", 20)
    later = pair(result.waiting, [late_out], now=T0 + timedelta(hours=2))
    assert later.journeys == [(near(first, 30), late_out)]
    gave_up = pair(result.waiting, [], now=T0 + timedelta(hours=4, seconds=1))
    assert gave_up.expired == [near(first, 30)] and gave_up.waiting == []


def test_a_waiting_tap_in_never_pairs_across_the_journey_after_it() -> None:
    """in@0 waits for a tap-out before in@10 (whose journey to 20 is paired and forgotten): a
    tap-out at 30 belongs to a tap-in still to come, not to in@0."""
    waiting = pair([], [tap_in("c1", "A", 0)], now=T0 + timedelta(minutes=1)).waiting
    second = pair(
        waiting, [tap_in("c1", "B", 10), tap_out("c1", "C", 20)], now=T0 + timedelta(minutes=25)
    )
    assert second.waiting == [near(tap_in("c1", "A", 0), 10)]
    o30, i25 = tap_out("c1", "D", 30), tap_in("c1", "C", 25)
    third = pair(second.waiting, [o30], now=T0 + timedelta(minutes=35))
    assert third.journeys == []
    assert third.waiting == [near(tap_in("c1", "A", 0), 10), near(o30, 0)]
    fourth = pair(third.waiting, [i25], now=T0 + timedelta(minutes=40))
    assert fourth.journeys == [(i25, near(o30, 0))]


def test_a_waiting_tap_out_never_pairs_across_the_journey_before_it() -> None:
    o50 = tap_out("c1", "D", 50)
    second = pair(
        [o50], [tap_in("c1", "A", 30), tap_out("c1", "B", 40)], now=T0 + timedelta(hours=1)
    )
    assert second.waiting == [near(o50, 40)]
    third = pair(second.waiting, [tap_in("c1", "E", 20)], now=T0 + timedelta(hours=1))
    assert third.journeys == [] and len(third.waiting) == 2
    i45 = tap_in("c1", "B", 45)
    fourth = pair(second.waiting, [i45], now=T0 + timedelta(hours=1))
    assert fourth.journeys == [(i45, near(o50, 40))]


def test_tap_out_too_long_after_the_tap_in_waits_and_the_in_expires() -> None:
    i = tap_in("c1", "A", 0)
    exactly, late = tap_out("c1", "C", 240), tap_out("c1", "C", 240.5)
    assert pair([], [i, exactly], now=T0 + timedelta(hours=5)).journeys == [(i, exactly)]
    result = pair([], [i, late], now=T0 + timedelta(hours=5))
    assert result.journeys == [] and result.expired == [near(i, 240.5)]
    assert result.waiting == [near(late, 0)] and result.orphans == []


def test_tap_outs_without_a_tap_in_wait_then_are_orphans() -> None:
    o1, i, o2, o3 = (
        tap_out("c1", "A", 0),
        tap_in("c1", "A", 10),
        tap_out("c1", "C", 30),
        tap_out("c1", "B", 40),
    )
    result = pair([], [o1, i, o2, o3], now=T0 + timedelta(hours=1))
    assert result.journeys == [(i, o2)]
    assert result.waiting == [o1, near(o3, 30)]
    assert result.expired == [] and result.orphans == []
    later = pair(result.waiting, [], now=T0 + timedelta(hours=5))
    assert later.orphans == [o1, near(o3, 30)] and later.waiting == []


def test_taps_across_two_batches_pair_through_the_waiting_taps() -> None:
    i, o = tap_in("c1", "A", 0), tap_out("c1", "C", 30)
    first = pair([], [i], now=T0 + timedelta(minutes=10))
    assert first.waiting == [i] and first.journeys == []
    second = pair(first.waiting, [o], now=T0 + timedelta(minutes=40))
    assert second.journeys == [(i, o)]
    assert (second.waiting, second.expired, second.orphans) == ([], [], [])


def test_waiting_taps_of_an_account_absent_from_the_batch_are_given_up_at_now() -> None:
    old_in, old_out = tap_in("c1", "A", 0), tap_out("c3", "B", 10)
    fresh_in, fresh_out = tap_in("c2", "B", 200), tap_out("c4", "A", 200)
    result = pair([old_in, fresh_in, old_out, fresh_out], [], now=T0 + timedelta(hours=5))
    assert result.expired == [old_in] and result.orphans == [old_out]
    assert result.waiting == [fresh_in, fresh_out]


def test_a_tap_seen_twice_counts_once() -> None:
    i, o = tap_in("c1", "A", 0), tap_out("c1", "C", 30)
    result = pair([i], [i, o, o], now=T0 + timedelta(hours=1))
    assert result.journeys == [(i, o)]
    assert result.expired == [] and result.orphans == [] and result.waiting == []
    same_gate_again = [tap_out("c1", "C", 30), Tap("c1", "out", "C", o.time, "gate-9")]
    result = pair([], same_gate_again, now=T0 + timedelta(hours=1))
    assert result.waiting == [o]  # known by account, direction, station and time


def test_a_waiting_tap_replayed_keeps_what_was_known_of_it() -> None:
    o = tap_out("c1", "C", 30)
    waiting = [near(o, 10)]
    result = pair(waiting, [o], now=T0 + timedelta(hours=1))
    assert result.waiting == [near(o, 10)]
    assert pair(waiting, [o, tap_in("c1", "A", 5)], now=T0 + timedelta(hours=1)).journeys == []


def test_late_tap_in_pairs_before_the_open_one_from_an_earlier_batch() -> None:
    open_in = tap_in("c1", "B", 120)
    late_in, late_out = tap_in("c1", "A", 0), tap_out("c1", "C", 30)
    result = pair([open_in], [late_out, late_in], now=T0 + timedelta(hours=3))
    assert result.journeys == [(late_in, late_out)]
    assert result.waiting == [open_in]


def test_a_tap_out_waits_while_a_later_tap_in_of_the_account_is_open() -> None:
    open_in, early_out = tap_in("c1", "B", 120), tap_out("c1", "C", 30)
    result = pair([open_in], [early_out], now=T0 + timedelta(hours=3))
    assert result.waiting == [early_out, open_in] and result.orphans == []
    assert (result.count_waiting("in"), result.count_waiting("out")) == (1, 1)
    its_in = tap_in("c1", "A", 10)
    later = pair(result.waiting, [its_in], now=T0 + timedelta(hours=3, minutes=5))
    assert later.journeys == [(its_in, early_out)] and later.waiting == [open_in]


def test_a_tap_out_more_than_four_hours_after_the_open_tap_in_waits_for_a_newer_one() -> None:
    open_in, out = tap_in("c1", "A", 0), tap_out("c1", "C", 300)
    result = pair([open_in], [out], now=T0 + timedelta(hours=5, minutes=5))
    assert result.expired == [near(open_in, 300)] and result.waiting == [near(out, 0)]
    its_in = tap_in("c1", "B", 280)
    later = pair(result.waiting, [its_in], now=T0 + timedelta(hours=5, minutes=10))
    assert later.journeys == [(its_in, near(out, 0))]


def test_at_most_max_waiting_taps_of_an_account_wait_the_newest() -> None:
    outs = [tap_out("c1", "A", m) for m in (0, 10, 20)]
    result = pair([], outs, now=T0 + timedelta(hours=1), max_waiting=2)
    assert result.orphans == [outs[0]]
    assert result.waiting == [near(outs[1], 0), near(outs[2], 10)]
    assert len(pair([], outs, now=T0 + timedelta(hours=1)).waiting) == 3 <= MAX_WAITING


def test_taps_dated_more_than_four_hours_ahead_do_not_wait() -> None:
    future_in, future_out = tap_in("c1", "A", 300), tap_out("c2", "A", 300)
    result = pair([], [future_in, future_out], now=T0 + timedelta(minutes=59))
    assert result.expired == [future_in] and result.orphans == [future_out]
    assert result.waiting == []
    soon = pair([], [future_in], now=T0 + timedelta(minutes=60))
    assert soon.waiting == [future_in]


def test_max_open_is_configurable() -> None:
    i, o = tap_in("c1", "A", 0), tap_out("c1", "C", 90)
    result = pair([], [i, o], now=T0 + timedelta(hours=2), max_open=timedelta(hours=1))
    assert result.journeys == [] and result.expired == [near(i, 90)]
    assert result.waiting == [near(o, 0)] and result.orphans == []


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
    ids = [journey_record(i, o, NET).external_trip_id for i, o in pair([], batch, now).journeys]
    again = [
        journey_record(i, o, NET).external_trip_id for i, o in pair([], batch[::-1], now).journeys
    ]
    assert ids == again and len(set(ids)) == 2


def test_a_journey_has_the_same_id_whichever_of_its_taps_came_first() -> None:
    i, o = tap_in("c1", "A", 0), tap_out("c1", "C", 25)
    now = T0 + timedelta(hours=1)
    in_first = pair(pair([], [i], now).waiting, [o], now).journeys
    out_first = pair(pair([], [o], now).waiting, [i], now).journeys
    assert in_first == out_first == [(i, o)]
    ids = {journey_record(a, b, NET).external_trip_id for a, b in in_first + out_first}
    assert ids == {journey_id(i)}
