"""Monitoring reports: the owner claims the tonnes of one period of a registered project.

The period lies inside the crediting period and within one calendar year (its vintage), and
shares no day with another report of the project that was not rejected. The check runs under a
lock on the project row, so two filings at once cannot both pass it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from domain.errors import Conflict
from domain.governance.audit import Actor, record
from domain.ids import new_id
from domain.persistence.tables import MonitoringReport
from domain.persistence.uow import UnitOfWork
from domain.projects.drafts import own
from domain.projects.periods import check_period, refuse_overlap


def report_summary(r: MonitoringReport) -> dict[str, Any]:
    return {
        "project_id": r.project_id,
        "period": [str(r.period_start), str(r.period_end)],
        "claimed_t": r.claimed_t,
        "status": r.status,
        "verifier_org_id": r.verifier_org_id,
        "verified_t": r.verified_t,
    }


async def file_report(
    uow: UnitOfWork,
    actor: Actor,
    org_id: str,
    project_id: str,
    *,
    period_start: date,
    period_end: date,
    claimed_t: int,
    data: dict[str, Any],
    now: datetime,
) -> MonitoringReport:
    project = await own(uow, org_id, project_id, lock=True)
    if project.status != "registered":
        raise Conflict(
            f"the project is {project.status}; reports are filed on registered projects",
            code="project_not_registered",
        )
    check_period(
        period_start, period_end, project.crediting_period_start, project.crediting_period_end
    )
    refuse_overlap(period_start, period_end, await uow.projects.live_periods(project.id))
    report = MonitoringReport(
        id=new_id(),
        project_id=project.id,
        period_start=period_start,
        period_end=period_end,
        claimed_t=claimed_t,
        data=data,
        status="submitted",
        created_at=now,
    )
    uow.projects.add(report)
    record(
        uow, actor, "report.file", "monitoring_report", report.id, None, report_summary(report), now
    )
    return report
