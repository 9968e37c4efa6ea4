"""/v1/org-applications: organisations apply (no sign-in); /v1/public/reviews: review outcomes
(counts only, no names)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from litestar import Controller, get, post
from litestar.params import Parameter

from api.schemas import CURSOR, LIMIT, Page, page_of
from domain.experts.public import subject_names
from domain.experts.tally import counts
from domain.organisations import applications
from domain.persistence.uow import UnitOfWork

Phone = Annotated[str, msgspec.Meta(min_length=3, max_length=32, pattern=r"^[0-9+\- ()]+$")]
Email = Annotated[str, msgspec.Meta(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")]
Kind = Literal["enterprise", "public_institution", "event_organiser", "verifier"]


class ContactIn(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    phone: Phone | None = None
    email: Email | None = None


class ApplicationIn(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    uscc: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]  # checked by the domain
    kind: Kind
    contact: ContactIn
    district: Annotated[str, msgspec.Meta(min_length=1, max_length=32)] | None = None


class ApplicationFiled(msgspec.Struct):
    application_id: str
    status: str


class ReviewSummary(msgspec.Struct):
    review_id: str
    subject_kind: str
    subject_id: str
    panel_size: int
    status: str
    votes: dict[str, int]
    summary: str | None
    created_at: datetime
    decided_at: datetime | None
    # the subject's public name: a published methodology version's code, version and title, a
    # registered project's code and title; null while the subject is not public (or a rule)
    subject: str | None = None


class OrgApplicationController(Controller):
    path = "/v1/org-applications"
    tags = ["public"]

    @post("/", summary="Apply as an organisation (no sign-in)")
    async def apply(self, data: ApplicationIn, uow: UnitOfWork, now: datetime) -> ApplicationFiled:
        application = await applications.apply(
            uow,
            name=data.name,
            uscc=data.uscc,
            kind=data.kind,
            contact=msgspec.to_builtins(data.contact),
            district=data.district,
            now=now,
        )
        return ApplicationFiled(application_id=application.id, status=application.status)


class PublicReviewController(Controller):
    path = "/v1/public/reviews"
    tags = ["public"]

    @get("/", summary="Expert reviews and their outcomes (vote counts, no names)")
    async def list_reviews(
        self,
        uow: UnitOfWork,
        limit: int = LIMIT,
        cursor: str | None = CURSOR,
        subject_kind: str | None = Parameter(default=None, max_length=16),
    ) -> Page[ReviewSummary]:
        rows = await uow.experts.reviews_with_votes(
            subject_kind=subject_kind, after=cursor, limit=limit + 1
        )
        names = await subject_names(uow, [r for r, _ in rows])
        items = [
            ReviewSummary(
                review_id=r.id,
                subject_kind=r.subject_kind,
                subject_id=r.subject_id,
                panel_size=r.panel_size,
                status=r.status,
                votes=counts(votes),
                summary=r.summary,
                created_at=r.created_at,
                decided_at=r.decided_at,
                subject=names.get(r.id),
            )
            for r, votes in rows
        ]
        return page_of(items, limit, lambda s: s.review_id)


CONTROLLERS: list[type] = [OrgApplicationController, PublicReviewController]
