"""What a panel reviews: the subject as its experts see it next to their seat."""

from __future__ import annotations

from typing import Any

from domain.persistence.tables import Review
from domain.persistence.uow import UnitOfWork


async def subject_of(uow: UnitOfWork, review: Review) -> dict[str, Any] | None:
    """The reviewed methodology version, project or rule (None for one since deleted)."""
    if review.subject_kind == "methodology":
        version = await uow.methodologies.get(review.subject_id)
        if version is None:
            return None
        return {
            "code": version.code,
            "version": version.version,
            "methodology_class": version.methodology_class,
            "title": version.title,
            "description": version.description,
            "params": version.params,
            "status": version.status,
        }
    if review.subject_kind == "project":
        project = await uow.experts.project(review.subject_id)
        if project is None:
            return None
        return {
            "title": project.title,
            "org_id": project.org_id,
            "methodology_code": project.methodology_code,
            "district": project.district,
            "location": project.location,
            "crediting_period_start": project.crediting_period_start.isoformat(),
            "crediting_period_end": project.crediting_period_end.isoformat(),
            "estimated_t_per_year": project.estimated_t_per_year,
            "description": project.description,
            "status": project.status,
        }
    if review.subject_kind == "rule":
        return await _rule(uow, review.subject_id)
    return None


async def _rule(uow: UnitOfWork, notice_id: str) -> dict[str, Any] | None:
    """A rule under review: its draft (what publishing waits on), else its latest version."""
    versions = await uow.notices.versions(notice_id)
    if not versions:
        return None
    drafts = [v for v in versions if v.status == "draft"]
    v = drafts[-1] if drafts else versions[-1]
    return {
        "notice_id": v.notice_id,
        "kind": v.kind,
        "version": v.version,
        "title": v.title,
        "body": v.body,
        "effective_from": v.effective_from.isoformat(),
        "status": v.status,
    }
