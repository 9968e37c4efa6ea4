"""The fault drill's accounting: what was sent against the trips table and the earn postings."""

from __future__ import annotations

from bench.drill.accounting import Earn, StoredTrip, account
from bench.drill.sends import Answer


def _trip(ext: str, status: str = "credited", points: int = 10, reason: str | None = None):
    return StoredTrip(f"T-{ext}", ext, status, reason, points)


def _credited(ext: str, points: int = 10) -> Answer:
    return Answer("credited", f"T-{ext}", points, None)


def _dup(ext: str, stored: str = "credited", points: int = 10) -> Answer:
    return Answer("duplicate", f"T-{ext}", points, f"stored as {stored}")


def test_every_trip_stored_once_with_one_earn_each_is_all_credited_once() -> None:
    stored = [_trip("a"), _trip("b"), _trip("c", "capped", 0, "daily_points_cap")]
    earns = [Earn("T-a", 10), Earn("T-b", 10)]
    answers = {
        "a": [_credited("a"), _dup("a")],
        "b": [_dup("b")],  # the first answer was cut off by a kill; the re-send found it stored
        "c": [Answer("capped", "T-c", 0, None)],
    }
    acc = account(["a", "b", "c"], stored, earns, answers)
    assert acc.ok
    assert (acc.sent, acc.stored, acc.credited_once) == (3, 3, 2)
    assert acc.outcomes == {"credited": 2, "capped/daily_points_cap": 1}


def test_a_trip_never_stored_is_lost_and_so_is_a_credit_without_its_posting() -> None:
    acc = account(["a", "b"], [_trip("b")], [], {"a": [_credited("a")], "b": [_credited("b")]})
    assert not acc.ok
    assert acc.lost == ["a: never stored", "b: credited, no earn posting"]
    assert acc.credited_once == 0 and acc.doubled == []


def test_two_earn_postings_for_one_trip_is_a_double_credit() -> None:
    earns = [Earn("T-a", 10), Earn("T-a", 10), Earn("T-b", 10)]
    acc = account(["a", "b"], [_trip("a"), _trip("b")], earns, {"a": [_dup("a")], "b": [_dup("b")]})
    assert acc.doubled == ["a: 2 earn postings"]
    assert acc.credited_once == 1 and not acc.ok


def test_a_trip_stored_twice_is_doubled_and_not_credited_once() -> None:
    twice = [_trip("a"), StoredTrip("T-a2", "a", "credited", None, 10)]
    acc = account(["a"], twice, [Earn("T-a", 10)], {"a": [_dup("a")]})
    assert acc.doubled == ["a: stored 2 times"]
    assert acc.credited_once == 0


def test_postings_that_disagree_with_the_trip_are_wrong() -> None:
    stored = [_trip("a", points=10), _trip("b", "rejected", 0, "overlap")]
    earns = [Earn("T-a", 9), Earn("T-b", 7)]
    acc = account(["a", "b"], stored, earns, {"a": [_dup("a")], "b": [_dup("b", "rejected", 0)]})
    assert acc.wrong == [
        "a: earn 9, trip points 10",
        "b: 1 earn posting(s) on a trip stored rejected",
    ]
    assert acc.credited_once == 0 and not acc.ok


def test_answers_that_disagree_with_what_was_stored_are_wrong() -> None:
    stored = [_trip("a"), _trip("b", "rejected", 0, "overlap"), _trip("c")]
    earns = [Earn("T-a", 10), Earn("T-c", 10)]
    answers = {
        "a": [_credited("a"), _credited("a")],  # decided twice
        "b": [Answer("credited", "T-b", 10, None)],  # said credited, stored rejected
        "c": [Answer("duplicate", "T-other", 10, "stored as pending")],
    }
    acc = account(["a", "b", "c"], stored, earns, answers)
    assert acc.wrong == [
        "a: decided 2 times (credited, credited)",
        "b: answered credited (10 points), stored rejected (0 points)",
        "c: answered as trip T-other, stored as T-c",
        "c: a replay said stored as pending, stored credited",
    ]
    assert acc.lost == [] and acc.doubled == [] and not acc.ok


def test_rows_and_postings_nobody_sent_are_strays_and_silence_is_unanswered() -> None:
    stored = [_trip("a"), _trip("zz")]
    earns = [Earn("T-a", 10), Earn("T-zz", 10), Earn("T-ghost", 3)]
    acc = account(["a"], stored, earns, {})
    assert acc.strays == [
        "zz: stored, never sent",
        "earn posting(s) for trip T-ghost, which is not stored",
    ]
    assert acc.unanswered == ["a"]
    assert acc.credited_once == 1 and not acc.ok
