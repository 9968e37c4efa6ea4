"""/v1/expert/reviews: the caller's seats and their opinions and votes.

An expert sees only the reviews they sit on; another review is a 404 as if it did not exist.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, get, post

from api.schemas import CURSOR, LIMIT, Page, page_of
from api.security.auth import staff_guard
from domain.experts import opinions
from domain.governance.audit import Actor
from domain.identity.principal import Principal, Role
from domain.persistence.uow import UnitOfWork

EXPERT = staff_guard(Role.EXPERT)


class OpinionIn(msgspec.Struct, forbid_unknown_fields=True):
    vote: Literal["approve", "reject", "revise"]
    opinion: Annotated[str, msgspec.Meta(min_length=1, max_length=10_000)]


class MySeatOut(msgspec.Struct):
    review_id: str
    subject_kind: str
    subject_id: str
    field: str | None
    panel_size: int
    status: str  # the review's: open | passed | rejected | revise
    my_vote: str | None
    my_opinion: str | None
    voted_at: datetime | None
    created_at: datetime
    decided_at: datetime | None
    subject: dict[str, Any] | None = None


def seat_out(s: opinions.Seat) -> MySeatOut:
    r, seat = s.review, s.seat
    return MySeatOut(
        review_id=r.id,
        subject_kind=r.subject_kind,
        subject_id=r.subject_id,
        field=r.field,
        panel_size=r.panel_size,
        status=r.status,
        my_vote=seat.vote,
        my_opinion=seat.opinion,
        voted_at=seat.voted_at,
        created_at=r.created_at,
        decided_at=r.decided_at,
        subject=s.subject,
    )


class ExpertReviewController(Controller):
    path = "/v1/expert/reviews"
    tags = ["expert"]
    guards = [EXPERT]
    security = [{"BearerToken": []}]

    @get("/", summary="The reviews the caller sits on")
    async def my_seats(
        self,
        uow: UnitOfWork,
        principal: Principal,
        limit: int = LIMIT,
        cursor: str | None = CURSOR,
    ) -> Page[MySeatOut]:
        rows = await opinions.seats(uow, principal.id, after=cursor, limit=limit + 1)
        return page_of([seat_out(s) for s in rows], limit, lambda s: s.review_id)

    @get("/{review_id:str}", summary="One of the caller's reviews, with its subject")
    async def show(self, review_id: str, uow: UnitOfWork, principal: Principal) -> MySeatOut:
        return seat_out(await opinions.my_review(uow, principal.id, review_id))

    @post("/{review_id:str}/opinion", status_code=200, summary="File an opinion and vote, once")
    async def opinion(
        self,
        review_id: str,
        data: OpinionIn,
        uow: UnitOfWork,
        actor: Actor,
        principal: Principal,
        now: datetime,
    ) -> MySeatOut:
        filed = await opinions.file_opinion(
            uow, actor, principal.id, review_id, vote=data.vote, opinion=data.opinion, now=now
        )
        return seat_out(filed)


CONTROLLERS: list[type] = [ExpertReviewController]
