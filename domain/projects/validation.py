"""Validation (审定) and registration: the owner submits a draft, which opens an expert review in
the same transaction; staff register it once the review has passed (giving it its public code)
or reject it with reasons."""

from __future__ import annotations

import json
from datetime import datetime

from domain.errors import Conflict, InvalidInput, NotFound
from domain.experts.reviews import open_review, passed
from domain.governance.audit import Actor, record
from domain.persistence.tables import Project
from domain.persistence.uow import UnitOfWork
from domain.projects.codes import prefix_of, project_code, sequence_of
from domain.projects.drafts import own, summary


async def submit(
    uow: UnitOfWork, actor: Actor, org_id: str, project_id: str, *, panel_size: int, now: datetime
) -> Project:
    project = await own(uow, org_id, project_id, lock=True)
    if project.status != "draft":
        raise Conflict(f"the project is {project.status}, not a draft", code="not_a_draft")
    review = await open_review(
        uow,
        actor,
        subject_kind="project",
        subject_id=project.id,
        owner_org_id=project.org_id,
        field=None,
        panel_size=panel_size,
        now=now,
    )
    before = summary(project)
    project.status = "submitted"
    project.review_id = review.id
    project.submitted_at = now
    record(uow, actor, "project.submit", "project", project.id, before, summary(project), now)
    return project


async def _submitted(uow: UnitOfWork, project_id: str) -> Project:
    project = await uow.projects.get(project_id, for_update=True)
    if project is None:
        raise NotFound("no such project", code="project_not_found")
    if project.status != "submitted":
        raise Conflict(
            f"the project is {project.status}; only a submitted project is decided",
            code="not_submitted",
        )
    return project


async def register(uow: UnitOfWork, actor: Actor, project_id: str, now: datetime) -> Project:
    project = await _submitted(uow, project_id)
    if not await passed(uow, "project", project.id):
        raise Conflict("the project's expert review has not passed", code="review_required")
    # one registration at a time per methodology: sequence numbers never collide
    await uow.projects.lock_methodology(project.methodology_id)
    prefix = prefix_of(project.methodology_code)
    used = [sequence_of(prefix, c) for c in await uow.projects.codes_like(prefix)]
    before = summary(project)
    project.code = project_code(prefix, max((n for n in used if n), default=0) + 1)
    project.status = "registered"
    project.registered_at = now
    record(uow, actor, "project.register", "project", project.id, before, summary(project), now)
    return project


def reasons_of(project: Project) -> list[str]:
    return json.loads(project.reasons) if project.reasons else []


async def reject(
    uow: UnitOfWork, actor: Actor, project_id: str, reasons: list[str], now: datetime
) -> Project:
    cleaned = [r.strip() for r in reasons if r.strip()]
    if not cleaned:
        raise InvalidInput("give at least one reason", code="reasons_required", field="reasons")
    project = await _submitted(uow, project_id)
    before = summary(project)
    project.status = "rejected"
    project.reasons = json.dumps(cleaned, ensure_ascii=False)
    after = summary(project) | {"reasons": cleaned}
    record(uow, actor, "project.reject", "project", project.id, before, after, now)
    return project
