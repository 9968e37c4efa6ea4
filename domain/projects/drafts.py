"""An organisation's project drafts: created under the methodology version in force, edited
while still a draft, and only ever seen by their own organisation (another's is "not found")."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from domain import districts
from domain.errors import Conflict, InvalidInput, NotFound
from domain.governance.audit import Actor, record
from domain.ids import new_id
from domain.persistence.tables import MethodologyVersion, Project
from domain.persistence.uow import UnitOfWork

# Nanjing's districts (domain/districts.py): every statistic can be cut by them.
DISTRICTS = districts.CODES
EDITABLE = (
    "title",
    "district",
    "location",
    "crediting_period_start",
    "crediting_period_end",
    "estimated_t_per_year",
    "description",
)


def summary(p: Project) -> dict[str, Any]:
    return {
        "title": p.title,
        "methodology_id": p.methodology_id,
        "district": p.district,
        "crediting_period": [str(p.crediting_period_start), str(p.crediting_period_end)],
        "estimated_t_per_year": p.estimated_t_per_year,
        "status": p.status,
        "code": p.code,
    }


async def methodology_in_force(uow: UnitOfWork, code: str, now: datetime) -> MethodologyVersion:
    versions = await uow.methodologies.versions(code)
    if not versions:
        raise NotFound(
            f"no methodology {code!r}", code="methodology_not_found", field="methodology_code"
        )
    if versions[0].scope != "project":
        raise Conflict(
            f"{code} is a {versions[0].scope} methodology: projects are registered under a "
            "project methodology",
            code="not_a_project_methodology",
            field="methodology_code",
        )
    for v in versions:
        if (
            v.status == "published"
            and v.effective_from is not None
            and v.effective_from <= now
            and (v.effective_until is None or now < v.effective_until)
        ):
            return v
    raise Conflict(
        f"methodology {code!r} has no published version in force",
        code="methodology_not_in_force",
        field="methodology_code",
    )


def _check(p: Project, methodology: MethodologyVersion) -> None:
    districts.validate(p.district)
    if p.crediting_period_end < p.crediting_period_start:
        raise InvalidInput(
            "crediting_period_end is before crediting_period_start",
            code="invalid_crediting_period",
            field="crediting_period_end",
        )
    longest = methodology.params["max_crediting_years"]
    if crediting_years(p.crediting_period_start, p.crediting_period_end) > longest:
        raise InvalidInput(
            f"crediting_period_end: {methodology.code} allows a crediting period of at most "
            f"{longest} years",
            code="crediting_period_too_long",
            field="crediting_period_end",
        )


def crediting_years(start: date, end: date) -> int:
    """How many years a crediting period spans, a started year counting whole: 2020-01-01 to
    2029-12-31 is 10, to 2030-01-01 is 11."""
    years = end.year - start.year
    return years + 1 if (end.month, end.day) >= (start.month, start.day) else years


async def own(uow: UnitOfWork, org_id: str, project_id: str, *, lock: bool = False) -> Project:
    project = await uow.projects.get(project_id, org_id=org_id, for_update=lock)
    if project is None:
        raise NotFound("no such project", code="project_not_found")
    return project


async def create(
    uow: UnitOfWork,
    actor: Actor,
    org_id: str,
    *,
    title: str,
    methodology_code: str,
    district: str,
    location: dict[str, Any],
    crediting_period_start: date,
    crediting_period_end: date,
    estimated_t_per_year: int,
    description: str,
    now: datetime,
) -> Project:
    methodology = await methodology_in_force(uow, methodology_code, now)
    project = Project(
        id=new_id(),
        org_id=org_id,
        code=None,
        title=title,
        methodology_id=methodology.id,
        methodology_code=methodology.code,
        district=district,
        location=location,
        crediting_period_start=crediting_period_start,
        crediting_period_end=crediting_period_end,
        estimated_t_per_year=estimated_t_per_year,
        description=description,
        status="draft",
        issuances=0,
        created_at=now,
    )
    _check(project, methodology)
    uow.projects.add(project)
    record(uow, actor, "project.draft", "project", project.id, None, summary(project), now)
    return project


async def update(
    uow: UnitOfWork,
    actor: Actor,
    org_id: str,
    project_id: str,
    changes: dict[str, Any],
    now: datetime,
) -> Project:
    """Change the given fields of a draft; a submitted project is no longer editable."""
    project = await own(uow, org_id, project_id, lock=True)
    if project.status != "draft":
        raise Conflict(f"the project is {project.status}, not a draft", code="not_a_draft")
    methodology = await uow.methodologies.get(project.methodology_id)  # read before the
    assert methodology is not None  # changes: a query would flush them before _check
    before = summary(project)
    for name in EDITABLE:
        if name in changes:
            setattr(project, name, changes[name])
    _check(project, methodology)
    record(uow, actor, "project.edit", "project", project.id, before, summary(project), now)
    return project
