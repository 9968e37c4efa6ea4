"""/v1/admin/donation-projects: public-welfare projects citizens can donate points to."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Controller, get, post

from api.security.auth import staff_guard
from api.shared.donations import DonationProjectOut, project_out
from domain.governance.audit import Actor
from domain.identity.principal import Role
from domain.persistence.uow import UnitOfWork
from domain.points import donations

WRITE = staff_guard(Role.ADMIN, Role.OPERATIONS)
READ = staff_guard(Role.ADMIN, Role.OPERATIONS, Role.AUDITOR)


class ProjectIn(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=128)]
    unit_name: Annotated[str, msgspec.Meta(min_length=1, max_length=32)]
    points_per_unit: Annotated[int, msgspec.Meta(ge=1, le=10_000_000)]
    description: Annotated[str, msgspec.Meta(max_length=2000)] = ""


class ProjectUpdate(msgspec.Struct, forbid_unknown_fields=True):
    active: bool


class AdminDonationController(Controller):
    path = "/v1/admin/donation-projects"
    tags = ["admin"]
    security = [{"BearerToken": []}]

    @post("/", guards=[WRITE], summary="Add a public-welfare project")
    async def create(
        self, data: ProjectIn, uow: UnitOfWork, actor: Actor, now: datetime
    ) -> DonationProjectOut:
        project = await donations.create_project(
            uow,
            actor,
            name=data.name,
            description=data.description,
            unit_name=data.unit_name,
            points_per_unit=data.points_per_unit,
            now=now,
        )
        return project_out(donations.ProjectTotals(project, 0, 0, 0))

    @get("/", guards=[READ], summary="Every project with its totals")
    async def list_projects(self, uow: UnitOfWork) -> list[DonationProjectOut]:
        return [project_out(t) for t in await donations.catalogue(uow, active_only=False)]

    @post("/{project_id:str}", guards=[WRITE], status_code=200, summary="Open or close a project")
    async def update(
        self, project_id: str, data: ProjectUpdate, uow: UnitOfWork, actor: Actor, now: datetime
    ) -> DonationProjectOut:
        project = await donations.set_active(uow, actor, project_id, data.active, now)
        totals = {t.project.id: t for t in await donations.catalogue(uow, active_only=False)}
        return project_out(totals[project.id])
