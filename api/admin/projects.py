"""/v1/admin/projects and monitoring reports: what waits (and since when), registration after a
passed expert review, rejection with reasons, and the assignment of reports to verifiers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Controller, Response, get, post
from litestar.params import Parameter

from api import cursors
from api.org.project_schemas import ProjectOut, file_response, project_out
from api.schemas import CURSOR, LIMIT, Page, page_of
from api.security.auth import staff_guard
from api.verifier.reports import STATUS, ReportOut, report_out
from domain.errors import NotFound
from domain.governance.audit import Actor
from domain.identity.principal import Role
from domain.persistence.uow import UnitOfWork
from domain.projects import documents, validation, verification

WRITE = staff_guard(Role.ADMIN, Role.OPERATIONS)
READ = staff_guard(Role.ADMIN, Role.OPERATIONS, Role.AUDITOR)
Id = Annotated[str, msgspec.Meta(min_length=1, max_length=26)]
# a (moment, id) cursor is longer than the shared CURSOR allows
TIME_CURSOR = Parameter(
    default=None, max_length=160, description="next_cursor of the previous page"
)
Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]


class RejectIn(msgspec.Struct, forbid_unknown_fields=True):
    reasons: Annotated[list[Reason], msgspec.Meta(min_length=1, max_length=20)]


class AssignIn(msgspec.Struct, forbid_unknown_fields=True):
    verifier_org_id: Id


class WaitingProject(msgspec.Struct):
    project: ProjectOut
    waiting_since: datetime  # submitted (created, for drafts)
    waiting_seconds: int


class AdminProjectController(Controller):
    path = "/v1/admin/projects"
    tags = ["admin"]
    security = [{"BearerToken": []}]

    @get("/", guards=[READ], summary="Projects by status, the longest waiting first")
    async def list_projects(
        self,
        uow: UnitOfWork,
        now: datetime,
        limit: int = LIMIT,
        cursor: str | None = TIME_CURSOR,
        status: str | None = Parameter(
            default=None, max_length=16, description="draft, submitted, registered or rejected"
        ),
    ) -> Page[WaitingProject]:
        after = cursors.decode_time_id(cursor) if cursor else None
        rows = await uow.projects.by_status(status, after=after, limit=limit + 1)
        items = [
            WaitingProject(
                project=project_out(p),
                waiting_since=(since := p.submitted_at or p.created_at),
                waiting_seconds=max(0, int((now - since).total_seconds())),
            )
            for p in rows
        ]
        return page_of(
            items, limit, lambda w: cursors.encode(w.waiting_since, w.project.project_id)
        )

    @get("/{project_id:str}", guards=[READ], summary="One project")
    async def show(self, project_id: str, uow: UnitOfWork) -> ProjectOut:
        project = await uow.projects.get(project_id)
        if project is None:
            raise NotFound("no such project", code="project_not_found")
        return project_out(project)

    @get(
        "/{project_id:str}/documents/{document_id:str}",
        guards=[READ],
        summary="Download a project's document",
        media_type="application/octet-stream",
    )
    async def download(self, project_id: str, document_id: str, uow: UnitOfWork) -> Response[bytes]:
        return file_response(*await documents.download(uow, project_id, document_id, org_id=None))

    @post(
        "/{project_id:str}/register",
        guards=[WRITE],
        status_code=200,
        summary="Register a submitted project whose review passed; it gets its public code",
    )
    async def register(
        self, project_id: str, uow: UnitOfWork, actor: Actor, now: datetime
    ) -> ProjectOut:
        return project_out(await validation.register(uow, actor, project_id, now))

    @post(
        "/{project_id:str}/reject",
        guards=[WRITE],
        status_code=200,
        summary="Reject a submitted project, with reasons",
    )
    async def reject(
        self, project_id: str, data: RejectIn, uow: UnitOfWork, actor: Actor, now: datetime
    ) -> ProjectOut:
        return project_out(await validation.reject(uow, actor, project_id, data.reasons, now))


class AdminReportController(Controller):
    path = "/v1/admin/monitoring-reports"
    tags = ["admin"]
    security = [{"BearerToken": []}]

    @get("/", guards=[READ], summary="Monitoring reports, optionally by status")
    async def list_reports(
        self,
        uow: UnitOfWork,
        limit: int = LIMIT,
        cursor: str | None = CURSOR,
        status: str | None = STATUS,
    ) -> Page[ReportOut]:
        rows = await uow.projects.reports(status=status, after=cursor, limit=limit + 1)
        return page_of([report_out(r) for r in rows], limit, lambda r: r.report_id)

    @post(
        "/{report_id:str}/assign",
        guards=[WRITE],
        status_code=200,
        summary="Assign the report to a verifier organisation (active, not the owner)",
    )
    async def assign(
        self, report_id: str, data: AssignIn, uow: UnitOfWork, actor: Actor, now: datetime
    ) -> ReportOut:
        report = await verification.assign(uow, actor, report_id, data.verifier_org_id, now)
        return report_out(report)


CONTROLLERS: list[type] = [AdminProjectController, AdminReportController]
