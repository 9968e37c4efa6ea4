"""/v1/verifier/reports: the reports assigned to the caller's verifier organisation, and the
opinion its member files on each (verified tonnes and findings, or a rejection), once."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, get, post
from litestar.params import Parameter

from api.schemas import CURSOR, LIMIT, Page, page_of
from api.security.auth import staff_guard
from domain.errors import Forbidden
from domain.governance.audit import Actor
from domain.identity.principal import Principal, Role
from domain.persistence.tables import MonitoringReport
from domain.persistence.uow import UnitOfWork
from domain.projects import verification

VERIFIER = staff_guard(Role.VERIFIER)
STATUS = Parameter(
    default=None, max_length=16, description="submitted, assigned, verified or rejected"
)


class ProjectBrief(msgspec.Struct):
    """What a verifier reads of the project a report claims for."""

    project_id: str
    code: str | None
    title: str
    methodology_code: str
    district: str
    location: dict[str, Any]
    crediting_period_start: date
    crediting_period_end: date
    description: str


class ReportOut(msgspec.Struct):
    report_id: str
    project_id: str
    period_start: date
    period_end: date
    vintage: int  # the period's calendar year
    claimed_t: int
    data: dict[str, Any]
    status: str  # submitted | assigned | verified | rejected
    verifier_org_id: str | None
    verified_t: int | None
    findings: str | None
    created_at: datetime
    assigned_at: datetime | None
    decided_at: datetime | None
    project: ProjectBrief | None = None  # in one report's view


def report_out(r: MonitoringReport) -> ReportOut:
    return ReportOut(
        report_id=r.id,
        project_id=r.project_id,
        period_start=r.period_start,
        period_end=r.period_end,
        vintage=r.period_end.year,
        claimed_t=r.claimed_t,
        data=r.data,
        status=r.status,
        verifier_org_id=r.verifier_org_id,
        verified_t=r.verified_t,
        findings=r.findings,
        created_at=r.created_at,
        assigned_at=r.assigned_at,
        decided_at=r.decided_at,
    )


def org_of(principal: Principal) -> str:
    """The caller's organisation: every org and verifier endpoint is scoped by it."""
    if principal.org_id is None:
        raise Forbidden("this account belongs to no organisation", code="organisation_required")
    return principal.org_id


class OpinionIn(msgspec.Struct, forbid_unknown_fields=True):
    decision: Literal["verified", "rejected"]
    findings: Annotated[str, msgspec.Meta(min_length=1, max_length=20_000)]
    verified_t: Annotated[int, msgspec.Meta(ge=0, le=10**12)] | None = None


class VerifierReportController(Controller):
    path = "/v1/verifier/reports"
    tags = ["verifier"]
    security = [{"BearerToken": []}]
    guards = [VERIFIER]

    @get("/", summary="Reports assigned to your organisation, optionally by status")
    async def list_reports(
        self,
        uow: UnitOfWork,
        principal: Principal,
        limit: int = LIMIT,
        cursor: str | None = CURSOR,
        status: str | None = STATUS,
    ) -> Page[ReportOut]:
        rows = await uow.projects.reports(
            verifier_org_id=org_of(principal), status=status, after=cursor, limit=limit + 1
        )
        return page_of([report_out(r) for r in rows], limit, lambda r: r.report_id)

    @get("/{report_id:str}", summary="One report assigned to your organisation")
    async def show(self, report_id: str, uow: UnitOfWork, principal: Principal) -> ReportOut:
        report, p = await verification.assigned_report(uow, org_of(principal), report_id)
        brief = ProjectBrief(
            project_id=p.id,
            code=p.code,
            title=p.title,
            methodology_code=p.methodology_code,
            district=p.district,
            location=p.location,
            crediting_period_start=p.crediting_period_start,
            crediting_period_end=p.crediting_period_end,
            description=p.description,
        )
        return msgspec.structs.replace(report_out(report), project=brief)

    @post(
        "/{report_id:str}/opinion",
        status_code=200,
        summary="Verify (verified_t <= claimed_t) or reject the report, once",
    )
    async def opinion(
        self,
        report_id: str,
        data: OpinionIn,
        uow: UnitOfWork,
        actor: Actor,
        principal: Principal,
        now: datetime,
    ) -> ReportOut:
        report = await verification.give_opinion(
            uow,
            actor,
            org_of(principal),
            report_id,
            decision=data.decision,
            verified_t=data.verified_t,
            findings=data.findings,
            now=now,
        )
        return report_out(report)


CONTROLLERS: list[type] = [VerifierReportController]
