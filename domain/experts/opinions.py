"""Experts on their seats: what they see, and the one opinion and vote each files.

An expert sees only reviews they sit on (others' are 404, as if absent). Votes on one review
are serialised by locking its row, so the outcome is decided exactly once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from domain.experts.reviews import summary
from domain.experts.subjects import subject_of
from domain.experts.tally import VOTES, counts, outcome
from domain.governance.audit import Actor, record
from domain.persistence.tables import Expert, Review, ReviewSeat
from domain.persistence.uow import UnitOfWork


class Seat(msgspec.Struct, frozen=True):
    review: Review
    seat: ReviewSeat
    subject: dict[str, Any] | None = None  # filled when one review is shown


async def _expert(uow: UnitOfWork, staff_id: str) -> Expert:
    expert = await uow.experts.by_staff(staff_id)
    if expert is None or not expert.active:
        raise Forbidden("this account is not an active expert of the pool", code="not_an_expert")
    return expert


async def seats(uow: UnitOfWork, staff_id: str, *, after: str | None, limit: int) -> list[Seat]:
    expert = await _expert(uow, staff_id)
    rows = await uow.experts.reviews_of(expert.id, after=after, limit=limit)
    return [Seat(review=r, seat=s) for r, s in rows]


async def seat(uow: UnitOfWork, staff_id: str, review_id: str, *, lock: bool = False) -> Seat:
    expert = await _expert(uow, staff_id)
    found = await uow.experts.seat(review_id, expert.id)
    if found is None:
        raise NotFound("no such review on your seats", code="review_not_found")
    review = await uow.experts.review(review_id, for_update=lock)
    assert review is not None  # a seat's review exists (foreign key)
    if lock:
        found = await uow.experts.seat(review_id, expert.id, for_update=True)
    return Seat(review=review, seat=found)  # type: ignore[arg-type]


async def my_review(uow: UnitOfWork, staff_id: str, review_id: str) -> Seat:
    """One review the caller sits on, with its subject."""
    mine = await seat(uow, staff_id, review_id)
    return Seat(review=mine.review, seat=mine.seat, subject=await subject_of(uow, mine.review))


async def file_opinion(
    uow: UnitOfWork,
    actor: Actor,
    staff_id: str,
    review_id: str,
    *,
    vote: str,
    opinion: str,
    now: datetime,
) -> Seat:
    if vote not in VOTES:
        raise InvalidInput("vote: approve, reject or revise", code="invalid_vote", field="vote")
    if not opinion.strip():
        raise InvalidInput("opinion: must not be blank", code="invalid_opinion", field="opinion")
    mine = await seat(uow, staff_id, review_id, lock=True)
    review, own = mine.review, mine.seat
    if own.vote is not None:
        raise Conflict("you have voted on this review already", code="already_voted")
    if review.status != "open":
        raise Conflict(f"this review is decided: {review.status}", code="review_decided")
    before = summary(review)
    own.vote, own.opinion, own.voted_at = vote, opinion.strip(), now
    votes = [s.vote for s in await uow.experts.seats(review.id)]
    decided = outcome(votes, review.panel_size)
    if decided is not None:
        review.status, review.decided_at = decided, now
        tally = counts(votes)
        review.summary = (
            f"{decided}: {tally['approve']} approve, {tally['reject']} reject, "
            f"{tally['revise']} revise of {review.panel_size}"
        )
    record(
        uow,
        actor,
        "review.opinion",
        "review",
        review.id,
        before,
        {**summary(review), "vote": vote},
        now,
    )
    return mine
