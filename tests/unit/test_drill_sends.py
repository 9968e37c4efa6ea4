"""The fault drill's book of sends: a batch without an answer is sent again until it has one."""

from __future__ import annotations

from bench.drill.batches import Batch
from bench.drill.sends import Answer, SendBook, answers_of


def _batches(*chunks: tuple[str, ...]) -> list[Batch]:
    return [Batch(i, b"{}", "sha", ids) for i, ids in enumerate(chunks)]


def _results(ids: tuple[str, ...], status: str = "credited") -> list[dict]:
    return [
        {"external_trip_id": t, "status": status, "trip_id": f"T-{t}", "points": 5} for t in ids
    ]


def test_batches_go_out_in_order_and_the_book_is_done_when_all_are_answered() -> None:
    book = SendBook(_batches(("a",), ("b",)))
    first, second = book.take(), book.take()
    assert (first.index, second.index) == (0, 1)
    assert book.take() is None and not book.done
    book.answer(0, _results(("a",)))
    book.answer(1, _results(("b",)))
    assert book.done and book.progress == 1.0
    assert (book.sends, book.resent) == (2, 0)
    assert book.answers["a"] == [Answer("credited", "T-a", 5, None)]


def test_a_batch_without_an_answer_is_sent_again_before_the_plan_s_next_ones() -> None:
    book = SendBook(_batches(("a",), ("b",), ("c",)))
    b0 = book.take()
    book.no_answer(b0.index, "ConnectError")
    assert [book.take().index for _ in range(3)] == [0, 1, 2]
    assert book.attempts[0] == 2 and book.resent == 1 and book.resent_batches == 1
    assert book.failures == {"ConnectError": 1}
    assert not book.done  # three in flight


def test_answers_accumulate_per_trip_across_sends() -> None:
    book = SendBook(_batches(("a", "b")))
    book.answer(book.take().index, _results(("a", "b")))
    dup = [dict(r, status="duplicate", detail="stored as credited") for r in _results(("a", "b"))]
    book.answer(0, dup)
    assert [x.status for x in book.answers["a"]] == ["credited", "duplicate"]
    assert book.summary == {"credited": 2, "duplicate": 2}
    assert book.problems == []


def test_an_answer_that_does_not_fit_its_batch_is_noted() -> None:
    book = SendBook(_batches(("a", "b")))
    book.answer(book.take().index, _results(("a",)))
    assert book.problems == ["batch 0: 1 results for 2 trips, ids differ"]


def test_a_batch_is_given_up_after_its_last_attempt() -> None:
    book = SendBook(_batches(("a",), ("b",)), max_attempts=2)
    book.no_answer(book.take().index, "HTTP 500 internal_error")  # batch 0, attempt 1
    assert book.take().index == 0  # attempt 2
    assert book.take().index == 1
    book.no_answer(0, "HTTP 500 internal_error")
    assert book.given_up == {0} and book.take() is None
    assert not book.done  # batch 1 still in flight
    book.answer(1, _results(("b",)))
    assert book.done and book.progress == 0.5


def test_abandon_gives_up_what_waits_and_what_then_fails() -> None:
    book = SendBook(_batches(("a",), ("b",), ("c",), ("d",)))
    first, second = book.take(), book.take()
    book.abandon()
    assert book.given_up == {2, 3} and book.take() is None and not book.done
    book.no_answer(first.index, "ReadError")
    book.answer(second.index, _results(("b",)))
    assert book.given_up == {0, 2, 3} and book.answered == {1}
    assert book.done and book.take() is None


def test_what_a_re_sent_batch_found_stored_is_told_from_its_answer() -> None:
    book = SendBook(_batches(("a", "b"), ("c", "d"), ("e", "f"), ("g",)))
    for b in [book.take() for _ in range(4)]:  # four in flight, cut off by a kill
        book.no_answer(b.index, "RemoteProtocolError")
    dup = {"status": "duplicate", "trip_id": "T", "points": 1, "detail": "stored as credited"}
    answers = {
        0: [dict(dup, external_trip_id="a"), dict(dup, external_trip_id="b")],
        1: [dict(dup, external_trip_id="c"), *_results(("d",))],
        2: _results(("e", "f")),
    }
    for i, results in answers.items():
        book.answer(book.take().index, results)
        assert book.answered == set(range(i + 1))
    book.answer(book.take().index, [])  # a malformed answer is noted, and finds nothing
    assert book.resend_found == {"all stored": 1, "partly stored": 1, "none stored": 2}
    first_time = SendBook(_batches(("h",)))
    first_time.answer(first_time.take().index, _results(("h",)))
    assert first_time.resend_found == {}


def test_held_open_the_book_is_not_done_and_fillers_replay_answered_batches_round_robin() -> None:
    book = SendBook(_batches(("a",), ("b",), ("c",)))
    book.hold_open = True
    assert book.take_filler() is None  # nothing answered yet, and the plan still waits
    for ids in (("a",), ("b",)):
        book.answer(book.take().index, _results(ids))
    third = book.take()
    assert book.take() is None and book.take_filler().index == 0  # plan in flight: fill
    assert [book.take_filler().index for _ in range(3)] == [1, 0, 1]
    assert book.fillers == 4 and book.requests_in_flight == 5
    book.answer(third.index, _results(("c",)))
    assert not book.done  # every batch answered, but faults remain
    book.answer(0, [dict(r, status="duplicate") for r in _results(("a",))], filler=True)
    book.no_answer(1, "ConnectError", filler=True)
    assert book.waiting == 0 and book.given_up == set()  # a filler is never sent again
    assert book.answers["a"][-1].status == "duplicate" and book.answered_total == 4
    assert book.requests_in_flight == 2  # two of the four fillers
    book.hold_open = False
    assert book.done and book.take_filler() is None


def test_abandon_closes_a_held_book() -> None:
    book = SendBook(_batches(("a",)))
    book.hold_open = True
    book.abandon()
    assert not book.hold_open and book.given_up == {0} and book.done


def test_answers_of_several_books_keep_each_trip_s_answers_in_book_order() -> None:
    batches = _batches(("a", "b"))
    load, replay = SendBook(batches), SendBook(batches)
    load.answer(load.take().index, _results(("a", "b")))
    replay.answer(replay.take().index, _results(("a", "b"), "duplicate"))
    merged = answers_of(load, replay)
    assert [x.status for x in merged["a"]] == ["credited", "duplicate"]
    assert [x.status for x in merged["b"]] == ["credited", "duplicate"]
    assert answers_of(SendBook(batches)) == {}


def test_the_ceiling_holds_the_plan_back_but_never_a_batch_to_send_again() -> None:
    book = SendBook(_batches(("a",), ("b",), ("c",), ("d",)))
    book.hold_open, book.ceiling = True, 2
    first, second = book.take(), book.take()
    assert book.take() is None and book.take_filler() is None  # nothing answered to fill with
    book.answer(first.index, _results(("a",)))
    book.no_answer(second.index, "RemoteProtocolError")
    assert book.take_filler() is None  # a batch to send again goes first
    assert book.take().index == 1  # sent again, although the ceiling is reached
    assert book.take() is None and book.take_filler().index == 0  # held back: fill
    book.ceiling = None
    assert [book.take().index, book.take().index] == [2, 3]
    assert book.waiting == 0 and book.fillers == 1
