"""Reviews: a panel drawn from the pool for a methodology version, a project or a rule.

The draw is recorded with its seed and candidates (domain/experts/draw.py), so it can be re-run
by anyone. Experts affiliated with the subject's owner are never candidates. Other subjects'
use cases call `open_review` (a project on submission) and `passed` (before registering it, or
publishing a methodology version).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.errors import Conflict, InvalidInput, NotFound
from domain.experts.draw import affiliated, draw, fresh_seed, qualified
from domain.governance.audit import Actor, record
from domain.ids import new_id
from domain.persistence.tables import Review, ReviewSeat
from domain.persistence.uow import UnitOfWork

SUBJECT_KINDS = ("methodology", "project", "rule")
MAX_PANEL = 25
MAX_SEED = 64


def summary(review: Review) -> dict[str, Any]:
    return {
        "subject_kind": review.subject_kind,
        "subject_id": review.subject_id,
        "panel_size": review.panel_size,
        "field": review.field,
        "seed": review.seed,
        "status": review.status,
    }


def _checked(subject_kind: str, panel_size: int, seed: str | None) -> None:
    if subject_kind not in SUBJECT_KINDS:
        raise InvalidInput(
            "subject_kind: one of methodology, project, rule", code="invalid_subject_kind"
        )
    if not 1 <= panel_size <= MAX_PANEL:
        raise InvalidInput(f"panel_size: 1 to {MAX_PANEL}", code="invalid_panel_size")
    if seed is not None and not 1 <= len(seed) <= MAX_SEED:
        raise InvalidInput(f"seed: 1 to {MAX_SEED} characters", code="invalid_seed")


async def _candidates(uow: UnitOfWork, owner_org_id: str | None, field: str | None) -> list[str]:
    owner = None
    if owner_org_id is not None:
        owner = await uow.organisations.get(owner_org_id)
        if owner is None:
            raise NotFound("no such owner organisation", code="organisation_not_found")
    return sorted(
        e.id
        for e in await uow.experts.all_active()
        if qualified(e.fields, field)
        and not (owner and affiliated(e.affiliations, uscc=owner.uscc, name=owner.name))
    )


async def open_review(
    uow: UnitOfWork,
    actor: Actor,
    *,
    subject_kind: str,
    subject_id: str,
    owner_org_id: str | None,
    field: str | None,
    panel_size: int,
    now: datetime,
    seed: str | None = None,
) -> Review:
    """Draw a panel of `panel_size` qualified, unaffiliated experts and open the review."""
    _checked(subject_kind, panel_size, seed)
    candidates = await _candidates(uow, owner_org_id, field)
    if len(candidates) < panel_size:
        raise Conflict(
            f"only {len(candidates)} qualified, unaffiliated experts for a panel of {panel_size}",
            code="not_enough_experts",
        )
    seed = seed if seed is not None else fresh_seed()
    review = Review(
        id=new_id(),
        subject_kind=subject_kind,
        subject_id=subject_id,
        owner_org_id=owner_org_id,
        field=field,
        panel_size=panel_size,
        seed=seed,
        candidates=candidates,
        status="open",
        summary=None,
        created_by=actor.id,
        created_at=now,
        decided_at=None,
    )
    uow.experts.add_review(review)
    await uow.flush()  # the seats refer to it
    for expert_id in draw(candidates, seed, panel_size):
        uow.experts.add_seat(ReviewSeat(review_id=review.id, expert_id=expert_id))
    record(uow, actor, "review.open", "review", review.id, None, summary(review), now)
    return review


async def passed(uow: UnitOfWork, subject_kind: str, subject_id: str) -> bool:
    """Whether the subject's latest review has passed."""
    latest = await uow.experts.latest_review(subject_kind, subject_id)
    return latest is not None and latest.status == "passed"


async def owner_of(uow: UnitOfWork, subject_kind: str, subject_id: str) -> str | None:
    """The organisation owning a subject staff ask to review (None for the platform's own)."""
    if subject_kind == "methodology":
        if await uow.methodologies.get(subject_id) is None:
            raise NotFound("no such methodology version", code="methodology_not_found")
        return None
    if subject_kind == "project":
        project = await uow.experts.project(subject_id)
        if project is None:
            raise NotFound("no such project", code="project_not_found")
        return project.org_id
    return None


async def request_review(
    uow: UnitOfWork,
    actor: Actor,
    *,
    subject_kind: str,
    subject_id: str,
    field: str | None,
    panel_size: int,
    now: datetime,
    seed: str | None = None,
) -> Review:
    """Staff open a review: the subject must exist, its owner is looked up."""
    _checked(subject_kind, panel_size, seed)
    owner = await owner_of(uow, subject_kind, subject_id)
    return await open_review(
        uow,
        actor,
        subject_kind=subject_kind,
        subject_id=subject_id,
        owner_org_id=owner,
        field=field,
        panel_size=panel_size,
        now=now,
        seed=seed,
    )
