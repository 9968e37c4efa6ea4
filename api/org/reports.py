"""/v1/org/projects/{id}/monitoring-reports: an organisation's claims for periods of its
registered projects."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, get, post

from api.schemas import CURSOR, LIMIT, Page, page_of
from api.security.auth import staff_guard
from api.verifier.reports import ReportOut, org_of, report_out
from domain.governance.audit import Actor
from domain.identity.principal import Principal, Role
from domain.persistence.uow import UnitOfWork
from domain.projects import drafts, monitoring

ORG = staff_guard(Role.ORG)


class ReportIn(msgspec.Struct, forbid_unknown_fields=True):
    period_start: date
    period_end: date
    claimed_t: Annotated[int, msgspec.Meta(ge=1, le=10**12)]
    data: dict[str, Any] = {}


class OrgReportController(Controller):
    path = "/v1/org/projects/{project_id:str}/monitoring-reports"
    tags = ["org"]
    security = [{"BearerToken": []}]
    guards = [ORG]

    @post("/", summary="File a monitoring report for a period of a registered project")
    async def file(
        self,
        project_id: str,
        data: ReportIn,
        uow: UnitOfWork,
        actor: Actor,
        principal: Principal,
        now: datetime,
    ) -> ReportOut:
        report = await monitoring.file_report(
            uow, actor, org_of(principal), project_id, period_start=data.period_start,
            period_end=data.period_end, claimed_t=data.claimed_t, data=data.data, now=now,
        )  # fmt: skip
        return report_out(report)

    @get("/", summary="The project's monitoring reports")
    async def list_reports(
        self,
        project_id: str,
        uow: UnitOfWork,
        principal: Principal,
        limit: int = LIMIT,
        cursor: str | None = CURSOR,
    ) -> Page[ReportOut]:
        project = await drafts.own(uow, org_of(principal), project_id)
        rows = await uow.projects.reports(project_id=project.id, after=cursor, limit=limit + 1)
        return page_of([report_out(r) for r in rows], limit, lambda r: r.report_id)


CONTROLLERS: list[type] = [OrgReportController]
