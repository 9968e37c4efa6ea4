"""/v1/admin/experts and /v1/admin/reviews: the expert pool and its drawn panels."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from litestar import Controller, get, post
from litestar.params import Parameter

from api.schemas import CURSOR, LIMIT, Page, page_of
from api.security.auth import staff_guard
from domain.errors import NotFound
from domain.experts import pool, reviews
from domain.governance.audit import Actor
from domain.identity.principal import Role
from domain.persistence.tables import Expert, Review, ReviewSeat
from domain.persistence.uow import UnitOfWork

WRITE = staff_guard(Role.ADMIN, Role.OPERATIONS)
READ = staff_guard(Role.ADMIN, Role.OPERATIONS, Role.AUDITOR)
Field = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]


class AffiliationIn(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    uscc: Annotated[str, msgspec.Meta(min_length=1, max_length=64)] | None = None


class ExpertIn(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    fields: Annotated[list[Field], msgspec.Meta(min_length=1, max_length=20)]
    affiliations: Annotated[list[AffiliationIn], msgspec.Meta(max_length=20)] = []
    username: Annotated[str, msgspec.Meta(min_length=3, max_length=64)] | None = None


class ExpertOut(msgspec.Struct):
    expert_id: str
    name: str
    fields: list[str]
    affiliations: list[dict[str, str]]
    staff_id: str | None
    active: bool
    created_at: datetime


class NewExpertOut(msgspec.Struct):
    expert: ExpertOut
    username: str | None
    password: str | None  # shown once, when an account was created


class ReviewIn(msgspec.Struct, forbid_unknown_fields=True):
    """API.md: `{subject, subject_id, experts: N}` (plus an optional field and seed)."""

    subject: Literal["methodology", "project", "rule"]
    subject_id: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    experts: Annotated[int, msgspec.Meta(ge=1, le=reviews.MAX_PANEL)]  # the panel's size
    field: Field | None = None
    seed: Annotated[str, msgspec.Meta(min_length=1, max_length=reviews.MAX_SEED)] | None = None


class SeatOut(msgspec.Struct):
    expert_id: str
    expert_name: str
    vote: str | None
    opinion: str | None
    voted_at: datetime | None


class ReviewOut(msgspec.Struct):
    review_id: str
    subject_kind: str
    subject_id: str
    owner_org_id: str | None
    field: str | None
    panel_size: int
    seed: str  # re-run the draw: random.Random(seed).sample(sorted(candidates), panel_size)
    candidates: list[str]
    status: str  # open | passed | rejected | revise
    summary: str | None
    created_by: str | None
    created_at: datetime
    decided_at: datetime | None
    panel: list[SeatOut] | None = None


def expert_out(e: Expert) -> ExpertOut:
    return ExpertOut(
        expert_id=e.id,
        name=e.name,
        fields=e.fields,
        affiliations=e.affiliations,
        staff_id=e.staff_id,
        active=e.active,
        created_at=e.created_at,
    )


def review_out(r: Review, panel: list[tuple[ReviewSeat, str]] | None = None) -> ReviewOut:
    return ReviewOut(
        review_id=r.id,
        subject_kind=r.subject_kind,
        subject_id=r.subject_id,
        owner_org_id=r.owner_org_id,
        field=r.field,
        panel_size=r.panel_size,
        seed=r.seed,
        candidates=r.candidates,
        status=r.status,
        summary=r.summary,
        created_by=r.created_by,
        created_at=r.created_at,
        decided_at=r.decided_at,
        panel=None
        if panel is None
        else [
            SeatOut(
                expert_id=s.expert_id,
                expert_name=name,
                vote=s.vote,
                opinion=s.opinion,
                voted_at=s.voted_at,
            )
            for s, name in panel
        ],
    )


class AdminExpertController(Controller):
    path = "/v1/admin/experts"
    tags = ["admin"]
    security = [{"BearerToken": []}]

    @post("/", guards=[WRITE], summary="Add an expert (with a username: an account, shown once)")
    async def create(
        self, data: ExpertIn, uow: UnitOfWork, actor: Actor, now: datetime
    ) -> NewExpertOut:
        made = await pool.create(
            uow,
            actor,
            name=data.name,
            fields=list(data.fields),
            affiliations=[msgspec.to_builtins(a) for a in data.affiliations],
            username=data.username,
            now=now,
        )
        account = await uow.staff.get(made.expert.staff_id) if made.expert.staff_id else None
        return NewExpertOut(
            expert=expert_out(made.expert),
            username=account.username if account else None,
            password=made.password,
        )

    @get("/", guards=[READ], summary="The expert pool")
    async def list_experts(
        self,
        uow: UnitOfWork,
        limit: int = LIMIT,
        cursor: str | None = CURSOR,
        active: bool | None = Parameter(default=None),
    ) -> Page[ExpertOut]:
        rows = await uow.experts.list(active=active, after=cursor, limit=limit + 1)
        return page_of([expert_out(e) for e in rows], limit, lambda e: e.expert_id)

    @post(
        "/{expert_id:str}/deactivate",
        guards=[WRITE],
        status_code=200,
        summary="Deactivate an expert (never drawn again; their account is disabled)",
    )
    async def deactivate(
        self, expert_id: str, uow: UnitOfWork, actor: Actor, now: datetime
    ) -> ExpertOut:
        return expert_out(await pool.set_active(uow, actor, expert_id, False, now))


class AdminReviewController(Controller):
    path = "/v1/admin/reviews"
    tags = ["admin"]
    security = [{"BearerToken": []}]

    @post("/", guards=[WRITE], summary="Open a review: draw a panel, recording the seed")
    async def open_review(
        self, data: ReviewIn, uow: UnitOfWork, actor: Actor, now: datetime
    ) -> ReviewOut:
        review = await reviews.request_review(
            uow,
            actor,
            subject_kind=data.subject,
            subject_id=data.subject_id,
            field=data.field,
            panel_size=data.experts,
            now=now,
            seed=data.seed,
        )
        return review_out(review, await uow.experts.panel(review.id))

    @get("/", guards=[READ], summary="Reviews, optionally by status or subject kind")
    async def list_reviews(
        self,
        uow: UnitOfWork,
        limit: int = LIMIT,
        cursor: str | None = CURSOR,
        status: str | None = Parameter(default=None, max_length=16),
        subject_kind: str | None = Parameter(default=None, max_length=16),
    ) -> Page[ReviewOut]:
        rows = await uow.experts.reviews(
            status=status, subject_kind=subject_kind, after=cursor, limit=limit + 1
        )
        return page_of([review_out(r) for r in rows], limit, lambda r: r.review_id)

    @get("/{review_id:str}", guards=[READ], summary="One review with its panel and draw")
    async def show(self, review_id: str, uow: UnitOfWork) -> ReviewOut:
        review = await uow.experts.review(review_id)
        if review is None:
            raise NotFound("no such review", code="review_not_found")
        return review_out(review, await uow.experts.panel(review.id))


CONTROLLERS: list[type] = [AdminExpertController, AdminReviewController]
