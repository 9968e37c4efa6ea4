"""Alerts: raised once per (kind, subject, window) by the detectors, acknowledged and resolved by
staff. Evidence is JSON: the numbers, ids and window that made it fire."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.errors import Conflict, InvalidInput, NotFound
from domain.governance.audit import Actor, record
from domain.ids import new_id
from domain.persistence.tables import Alert
from domain.persistence.uow import UnitOfWork
from domain.text import blank

KINDS = (
    "operator_rate",  # an operator's hourly reject or duplicate rate far above its baseline
    "overlapping_account",  # one citizen's accounts on two operators at overlapping times
    "redemption_burst",  # a store redeeming more than N vouchers in a minute
    "verifier_overclaim",  # a verifier passed more tonnes than staff later accepted
    "checkpoint_mismatch",  # a published checkpoint that no longer verifies
)
STATUSES = ("open", "acknowledged", "resolved")
MAX_NOTE = 2000
MAX_SUMMARY = 300


def _snapshot(a: Alert) -> dict[str, Any]:
    return {
        "kind": a.kind,
        "subject_type": a.subject_type,
        "subject_id": a.subject_id,
        "status": a.status,
        "note": a.resolution if a.status == "resolved" else a.acknowledge_note,
    }


async def raise_alert(
    uow: UnitOfWork,
    *,
    kind: str,
    subject_type: str,
    subject_id: str,
    window: str,
    summary: str,
    evidence: dict[str, Any],
    now: datetime,
) -> Alert | None:
    """Raise an alert unless one with the same kind, subject and window exists (a detector run
    twice raises one alert): the new alert, or None."""
    if kind not in KINDS:
        raise ValueError(f"unknown alert kind {kind!r}")
    return await uow.alerts.insert_once(
        {
            "id": new_id(),
            "dedupe_key": f"{kind}|{subject_type}:{subject_id}|{window}"[:200],
            "kind": kind,
            "subject_type": subject_type,
            "subject_id": subject_id,
            "summary": summary[:MAX_SUMMARY],
            "evidence": evidence,
            "status": "open",
            "raised_at": now,
            "acknowledged_by": None,
            "acknowledged_at": None,
            "acknowledge_note": None,
            "resolved_by": None,
            "resolved_at": None,
            "resolution": None,
        }
    )


async def get(uow: UnitOfWork, alert_id: str, *, for_update: bool = False) -> Alert:
    alert = await uow.alerts.get(alert_id, for_update=for_update)
    if alert is None:
        raise NotFound("no such alert", code="alert_not_found")
    return alert


async def listing(
    uow: UnitOfWork, *, status: str | None, kind: str | None, after: str | None, limit: int
) -> list[Alert]:
    """Newest first; `after` is the last id of the previous page."""
    if status is not None and status not in STATUSES:
        raise InvalidInput(
            "status: open, acknowledged or resolved", code="invalid_status", field="status"
        )
    if kind is not None and kind not in KINDS:
        raise InvalidInput(f"kind: one of {', '.join(KINDS)}", code="invalid_kind", field="kind")
    return await uow.alerts.list(status=status, kind=kind, before=after, limit=limit)


def _note(note: str | None, *, required: bool) -> str | None:
    text = (note or "").strip()
    text = "" if blank(text) else text  # only zero-width or direction marks: no note
    if required and not text:
        raise InvalidInput("say how it was resolved", code="note_required", field="note")
    if len(text) > MAX_NOTE:
        raise InvalidInput(
            f"note: at most {MAX_NOTE} characters", code="invalid_note", field="note"
        )
    return text or None


async def acknowledge(
    uow: UnitOfWork, actor: Actor, alert_id: str, note: str | None, now: datetime
) -> Alert:
    """open -> acknowledged: someone is looking at it."""
    text = _note(note, required=False)
    alert = await get(uow, alert_id, for_update=True)
    if alert.status != "open":
        raise Conflict(f"the alert is already {alert.status}", code="alert_not_open")
    before = _snapshot(alert)
    alert.status, alert.acknowledged_by, alert.acknowledged_at = "acknowledged", actor.id, now
    alert.acknowledge_note = text
    record(uow, actor, "alert.acknowledge", "alert", alert.id, before, _snapshot(alert), now)
    return alert


async def resolve(uow: UnitOfWork, actor: Actor, alert_id: str, note: str, now: datetime) -> Alert:
    """open or acknowledged -> resolved, with a note saying what was found and done."""
    text = _note(note, required=True)
    alert = await get(uow, alert_id, for_update=True)
    if alert.status == "resolved":
        raise Conflict("the alert is already resolved", code="alert_resolved")
    before = _snapshot(alert)
    alert.status, alert.resolved_by, alert.resolved_at, alert.resolution = (
        "resolved",
        actor.id,
        now,
        text,
    )
    record(uow, actor, "alert.resolve", "alert", alert.id, before, _snapshot(alert), now)
    return alert


async def open_count(uow: UnitOfWork) -> int:
    return await uow.alerts.count_open()
