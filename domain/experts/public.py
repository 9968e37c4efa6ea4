"""What the public summary of reviews (GET /v1/public/reviews) may say about their subjects."""

from __future__ import annotations

from collections.abc import Sequence

from domain.persistence.tables import Review
from domain.persistence.uow import UnitOfWork

PUBLIC_METHODOLOGY = ("published", "retired")


async def subject_names(uow: UnitOfWork, reviews: Sequence[Review]) -> dict[str, str]:
    """review id -> its subject's public name: a published (or retired) methodology version's
    code, version and title; a registered project's code and title. A subject that is not
    public (a draft version, a project not registered) has none; nor has a rule (its notice is
    public once published, under its own id)."""
    projects = await uow.experts.registered_projects(
        sorted({r.subject_id for r in reviews if r.subject_kind == "project"})
    )
    names: dict[str, str] = {}
    for r in reviews:
        if r.subject_kind == "project" and r.subject_id in projects:
            code, title = projects[r.subject_id]
            names[r.id] = f"{code} {title}".strip()
        elif r.subject_kind == "methodology":
            version = await uow.methodologies.get(r.subject_id)  # a page holds a few at most
            if version is not None and version.status in PUBLIC_METHODOLOGY:
                names[r.id] = f"{version.code} v{version.version} {version.title}"
    return names
