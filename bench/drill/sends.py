"""The book of sends: which batches still wait for an answer, how often each was tried and why
an attempt got none, and every answer the service gave, per trip. Pure: the clients drive it.

Batches without an answer are sent again before the plan's next ones. The fault controller may
cap how many of the plan's batches go out (`ceiling`), so that the plan is not answered long
before the faults struck; while the book is held open (`hold_open`: faults still to strike) and
nothing may be sent, the clients keep traffic flowing with fillers: answered batches sent again,
which must credit nothing."""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass
from typing import Any

from bench.drill.batches import Batch


@dataclass(frozen=True)
class Answer:
    status: str  # credited | capped | rejected | pending | duplicate
    trip_id: str | None
    points: int
    detail: str | None  # for a duplicate: "stored as <status>"


class SendBook:
    def __init__(self, batches: list[Batch], max_attempts: int = 1000) -> None:
        self.batches = batches
        self.max_attempts = max_attempts
        self.fresh: deque[int] = deque(range(len(batches)))  # never sent yet
        self.retry: deque[int] = deque()  # sent, and no answer came back
        self.ceiling: int | None = None  # at most this many of the plan's batches sent, if set
        self.in_flight: set[int] = set()
        self.answered: set[int] = set()
        self.given_up: set[int] = set()
        self.attempts: Counter[int] = Counter()
        self.failures: Counter[str] = Counter()  # why an attempt got no answer
        self.answers: dict[str, list[Answer]] = {}  # external trip id -> answers, in order
        self.summary: Counter[str] = Counter()  # statuses over every answer
        self.problems: list[str] = []  # answers that do not fit their batch
        self.answered_total = 0  # 200 answers, fillers included
        self.hold_open = False  # set while faults are still to strike
        self.fillers = 0  # filler sends
        self.fillers_in_flight = 0
        self.abandoned = False
        # What a re-sent batch found, by its answer: "all stored" (the lost answer's request had
        # committed every pass), "partly stored" (a kill fell between passes), "none stored".
        self.resend_found: Counter[str] = Counter()

    @property
    def waiting(self) -> int:
        return len(self.fresh) + len(self.retry)

    @property
    def done(self) -> bool:
        return not self.waiting and not self.in_flight and not self.hold_open

    @property
    def requests_in_flight(self) -> int:
        return len(self.in_flight) + self.fillers_in_flight

    @property
    def progress(self) -> float:
        return len(self.answered) / len(self.batches) if self.batches else 1.0

    @property
    def sends(self) -> int:
        return sum(self.attempts.values())

    @property
    def resent(self) -> int:
        """Sends beyond the first of each batch (a batch may be tried many times while the
        server is down)."""
        return self.sends - len(self.attempts)

    @property
    def resent_batches(self) -> int:
        """Batches sent more than once: the first attempt brought no answer."""
        return sum(1 for n in self.attempts.values() if n > 1)

    def take(self) -> Batch | None:
        """The next batch to send (a batch to send again first), or None while none may go."""
        if self.retry:
            i = self.retry.popleft()
        elif self.fresh and (self.ceiling is None or len(self.attempts) < self.ceiling):
            i = self.fresh.popleft()
        else:
            return None
        self.in_flight.add(i)
        self.attempts[i] += 1
        return self.batches[i]

    def take_filler(self) -> Batch | None:
        """While held open and take() gives nothing: an answered batch again, round robin."""
        if not self.hold_open or self.retry or not self.answered:
            return None
        done = sorted(self.answered)
        self.fillers += 1
        self.fillers_in_flight += 1
        return self.batches[done[(self.fillers - 1) % len(done)]]

    def no_answer(self, index: int, why: str, filler: bool = False) -> None:
        """The attempt got no answer (refused, cut off, 5xx...): send the batch again later
        (a filler is not: its batch was answered before)."""
        self.failures[why] += 1
        if filler:
            self.fillers_in_flight -= 1
            return
        self.in_flight.discard(index)
        if self.abandoned or self.attempts[index] >= self.max_attempts:
            self.given_up.add(index)
        else:
            self.retry.append(index)

    def abandon(self) -> None:
        """Stop sending: what waits, and what comes back without an answer, is given up (the
        batches in flight may yet answer)."""
        self.abandoned = True
        self.hold_open = False
        self.given_up.update(self.fresh, self.retry)
        self.fresh.clear()
        self.retry.clear()

    def answer(self, index: int, results: list[dict[str, Any]], filler: bool = False) -> None:
        """A 200 with a result per record: the batch is answered."""
        self.answered_total += 1
        if filler:
            self.fillers_in_flight -= 1
        else:
            self.in_flight.discard(index)
            self.answered.add(index)
        ids = self.batches[index].trip_ids
        got = [r.get("external_trip_id") for r in results]
        if sorted(got, key=str) != sorted(ids):
            self.problems.append(
                f"batch {index}: {len(results)} results for {len(ids)} trips, ids differ"
            )
        if self.attempts[index] > 1 and not filler:
            dup = sum(1 for r in results if r["status"] == "duplicate")
            if not dup:
                self.resend_found["none stored"] += 1
            elif dup < len(results):
                self.resend_found["partly stored"] += 1
            else:
                self.resend_found["all stored"] += 1
        for r in results:
            a = Answer(r["status"], r.get("trip_id"), int(r.get("points") or 0), r.get("detail"))
            self.answers.setdefault(r.get("external_trip_id"), []).append(a)
            self.summary[a.status] += 1


def answers_of(*books: SendBook) -> dict[str, list[Answer]]:
    """Every answer per trip over these books, in the order of the books."""
    out: dict[str, list[Answer]] = {}
    for book in books:
        for trip, answers in book.answers.items():
            out.setdefault(trip, []).extend(answers)
    return out
