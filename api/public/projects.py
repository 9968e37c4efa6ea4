"""/v1/public/projects: registered projects, as the public registry shows them (no auth)."""

from __future__ import annotations

from datetime import date

import msgspec
from litestar import Controller, get

from api.schemas import CURSOR, LIMIT, Page, page_of
from domain.errors import NotFound
from domain.persistence.tables import MethodologyVersion, Project
from domain.persistence.uow import UnitOfWork


class MethodologyRef(msgspec.Struct):
    code: str
    version: int
    methodology_class: str  # I | II
    title: str


class PublicProject(msgspec.Struct):
    code: str
    title: str
    organisation: str
    methodology: MethodologyRef
    district: str
    crediting_period_start: date
    crediting_period_end: date
    estimated_t_per_year: int


def _out(p: Project, org_name: str, m: MethodologyVersion) -> PublicProject:
    return PublicProject(
        code=p.code or "",
        title=p.title,
        organisation=org_name,
        methodology=MethodologyRef(
            code=m.code, version=m.version, methodology_class=m.methodology_class, title=m.title
        ),
        district=p.district,
        crediting_period_start=p.crediting_period_start,
        crediting_period_end=p.crediting_period_end,
        estimated_t_per_year=p.estimated_t_per_year,
    )


class PublicProjectController(Controller):
    path = "/v1/public/projects"
    tags = ["public"]

    @get("/", summary="Registered projects, by code")
    async def list_projects(
        self, uow: UnitOfWork, limit: int = LIMIT, cursor: str | None = CURSOR
    ) -> Page[PublicProject]:
        rows = await uow.projects.registered(after=cursor, limit=limit + 1)
        return page_of([_out(*row) for row in rows], limit, lambda p: p.code)

    @get("/{code:str}", summary="One registered project, by its public code")
    async def show(self, code: str, uow: UnitOfWork) -> PublicProject:
        rows = await uow.projects.registered(code=code)
        if not rows:
            raise NotFound("no registered project with that code", code="project_not_found")
        return _out(*rows[0])


CONTROLLERS: list[type] = [PublicProjectController]
