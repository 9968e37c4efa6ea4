"""Verification (核证): staff assign a report to an accredited verifier organisation (active, of
kind `verifier`, not the project's owner); a member of that verifier records verified tonnes (never
more than claimed) and findings, or a rejection, once. To anyone else the report does not exist."""

from __future__ import annotations

from datetime import datetime

from domain.errors import Conflict, InvalidInput, NotFound
from domain.governance.audit import Actor, record
from domain.persistence.tables import MonitoringReport, Project
from domain.persistence.uow import UnitOfWork
from domain.projects.monitoring import report_summary

DECISIONS = ("verified", "rejected")


async def assign(
    uow: UnitOfWork, actor: Actor, report_id: str, verifier_org_id: str, now: datetime
) -> MonitoringReport:
    report = await uow.projects.report(report_id, for_update=True)
    if report is None:
        raise NotFound("no such monitoring report", code="report_not_found")
    if report.status not in ("submitted", "assigned"):
        raise Conflict(f"the report is already {report.status}", code="already_decided")
    verifier = await uow.organisations.get(verifier_org_id)
    if verifier is None:
        raise NotFound("no such organisation", code="verifier_not_found", field="verifier_org_id")
    if verifier.kind != "verifier":
        raise InvalidInput(
            "verifier_org_id is not a verifier organisation",
            code="not_a_verifier",
            field="verifier_org_id",
        )
    if verifier.status != "active":
        raise Conflict("the verifier is not active", code="verifier_inactive")
    project = await uow.projects.get(report.project_id)
    if project is not None and project.org_id == verifier.id:
        raise Conflict("a verifier never verifies its own project", code="verifier_is_owner")
    before = report_summary(report)
    report.status = "assigned"
    report.verifier_org_id = verifier.id
    report.assigned_by = actor.id
    report.assigned_at = now
    record(
        uow, actor, "report.assign", "monitoring_report", report.id, before,
        report_summary(report), now,
    )  # fmt: skip
    return report


async def give_opinion(
    uow: UnitOfWork,
    actor: Actor,
    verifier_org_id: str,
    report_id: str,
    *,
    decision: str,
    verified_t: int | None,
    findings: str,
    now: datetime,
) -> MonitoringReport:
    report = await uow.projects.report(report_id, verifier_org_id=verifier_org_id, for_update=True)
    if report is None:
        raise NotFound("no such monitoring report", code="report_not_found")
    if report.status != "assigned":
        raise Conflict(f"the report is already {report.status}", code="already_decided")
    if decision not in DECISIONS:
        raise InvalidInput(
            "decision: verified or rejected", code="invalid_decision", field="decision"
        )
    if decision == "verified":
        if verified_t is None:
            raise InvalidInput(
                "verified_t is required to verify", code="verified_t_required", field="verified_t"
            )
        if verified_t > report.claimed_t:
            raise InvalidInput(
                f"verified_t ({verified_t}) is more than claimed ({report.claimed_t})",
                code="verified_exceeds_claimed",
                field="verified_t",
            )
    elif verified_t is not None:
        raise InvalidInput(
            "a rejection verifies no tonnes: leave verified_t out",
            code="verified_t_on_rejection",
            field="verified_t",
        )
    if not findings.strip():
        raise InvalidInput("findings are required", code="findings_required", field="findings")
    before = report_summary(report)
    report.status = decision
    report.verified_t = verified_t
    report.findings = findings.strip()
    report.decided_by = actor.id
    report.decided_at = now
    record(
        uow, actor, f"report.{decision}", "monitoring_report", report.id, before,
        report_summary(report), now,
    )  # fmt: skip
    return report


async def assigned_report(
    uow: UnitOfWork, verifier_org_id: str, report_id: str
) -> tuple[MonitoringReport, Project]:
    """A report assigned to the verifier, with the project it claims for (what is verified)."""
    report = await uow.projects.report(report_id, verifier_org_id=verifier_org_id)
    if report is None:
        raise NotFound("no such monitoring report", code="report_not_found")
    project = await uow.projects.get(report.project_id)
    assert project is not None  # a foreign key
    return report, project
