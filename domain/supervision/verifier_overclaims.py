"""A verifier passed more tonnes than staff later accepted: a verified monitoring report whose
issuance was rejected (none accepted) or issued for at least `overclaim_min_t` tonnes fewer."""

from __future__ import annotations

from datetime import datetime

from domain.persistence.tables import Alert
from domain.persistence.uow import UnitOfWork
from domain.supervision.alerts import raise_alert
from domain.supervision.thresholds import Thresholds

KIND = "verifier_overclaim"


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


async def detect(uow: UnitOfWork, now: datetime, t: Thresholds) -> list[Alert]:
    raised: list[Alert] = []
    for c in await uow.supervision.overclaims(t.overclaim_min_t):
        gap = c.verified_t - c.accepted_t
        alert = await raise_alert(
            uow,
            kind=KIND,
            subject_type="verifier",
            subject_id=c.verifier_org_id or "unknown",
            window=f"report:{c.report_id}",
            summary=(
                f"verifier passed {c.verified_t} t on report {c.report_id}; "
                f"{c.accepted_t} t accepted (issuance {c.issuance_status})"
            ),
            evidence={
                "report_id": c.report_id,
                "project_id": c.project_id,
                "verifier_org_id": c.verifier_org_id,
                "verified_t": c.verified_t,
                "verified_at": _iso(c.verified_at),
                "issuance_id": c.issuance_id,
                "issuance_status": c.issuance_status,
                "accepted_t": c.accepted_t,
                "gap_t": gap,
                "decided_at": _iso(c.decided_at),
                "reason": c.reason,
                "min_gap_t": t.overclaim_min_t,
            },
            now=now,
        )
        if alert is not None:
            raised.append(alert)
    return raised
