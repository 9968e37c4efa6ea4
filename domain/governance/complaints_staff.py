"""Complaints, the staff's side: assign an owner, respond (stops the first-response clock),
escalate, resolve (stops both clocks; may link a four-eyes points adjustment of the filer, so a
wrongly rejected trip is made good through the ledger). Every action is audited, is a step the
filer sees, and tells a citizen filer live (`complaint.updated` on their channel)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.errors import Conflict, NotFound
from domain.governance.audit import Actor, record
from domain.governance.complaints import check_text, step
from domain.persistence.tables import Complaint
from domain.persistence.uow import UnitOfWork

HANDLERS = ("admin", "operations")  # who may own a complaint
UPDATED = "complaint.updated"


def _snapshot(c: Complaint) -> dict[str, Any]:
    return {
        "status": c.status,
        "assignee_id": c.assignee_id,
        "escalated": c.escalated,
        "responded_at": c.responded_at.isoformat() if c.responded_at else None,
        "resolved_at": c.resolved_at.isoformat() if c.resolved_at else None,
        "adjustment_id": c.adjustment_id,
    }


async def _open(uow: UnitOfWork, complaint_id: str) -> Complaint:
    c = await uow.complaints.get(complaint_id, for_update=True)
    if c is None:
        raise NotFound("no such complaint", code="complaint_not_found")
    if c.status == "resolved":
        raise Conflict("the complaint is resolved", code="complaint_resolved")
    return c


def _done(
    uow: UnitOfWork,
    actor: Actor,
    c: Complaint,
    name: str,
    text: str | None,
    before: dict[str, Any],
    now: datetime,
) -> Complaint:
    c.updated_at = now
    step(uow, c, name, "staff", actor.id, text, now)
    record(uow, actor, f"complaint.{name}", "complaint", c.id, before, _snapshot(c), now)
    if c.filer_type == "citizen":
        uow.emit(
            f"citizen:{c.filer_id}",
            UPDATED,
            {"complaint_id": c.id, "step": name, "status": c.status},
        )
    return c


async def assign(
    uow: UnitOfWork, actor: Actor, complaint_id: str, staff_id: str, now: datetime
) -> Complaint:
    c = await _open(uow, complaint_id)
    staff = await uow.staff.get(staff_id)
    if staff is None or not staff.active:
        raise NotFound("no such staff member", code="staff_not_found", field="staff_id")
    if staff.role not in HANDLERS:
        raise Conflict(
            "complaints are owned by admins or operations staff",
            code="staff_cannot_handle",
            field="staff_id",
        )
    before = _snapshot(c)
    c.assignee_id = staff_id
    if c.status == "open":
        c.status = "assigned"
    return _done(uow, actor, c, "assigned", None, before, now)


async def respond(
    uow: UnitOfWork, actor: Actor, complaint_id: str, text: str, now: datetime
) -> Complaint:
    """An answer to the filer; the first one stops the response clock."""
    text = check_text(text)
    c = await _open(uow, complaint_id)
    before = _snapshot(c)
    if c.responded_at is None:
        c.responded_at = now
    if c.assignee_id is None:
        c.assignee_id = actor.id if actor.role in HANDLERS else None
    c.status = "responded"
    return _done(uow, actor, c, "responded", text, before, now)


async def escalate(
    uow: UnitOfWork, actor: Actor, complaint_id: str, reason: str, now: datetime
) -> Complaint:
    """To a supervisor's attention; the clocks keep running. The reason stays internal."""
    reason = check_text(reason, "reason", 500)
    c = await _open(uow, complaint_id)
    before = _snapshot(c)
    c.status, c.escalated = "escalated", True
    _done(uow, actor, c, "escalated", reason, before, now)
    return c


async def resolve(
    uow: UnitOfWork,
    actor: Actor,
    complaint_id: str,
    text: str,
    adjustment_id: str | None,
    now: datetime,
) -> Complaint:
    """The outcome; stops both clocks (a resolution is also a response). A linked adjustment
    must concern the filer and not have been rejected (proposed: it still needs its second
    pair of eyes at /v1/admin/adjustments)."""
    text = check_text(text)
    c = await _open(uow, complaint_id)
    if adjustment_id is not None:
        adjustment = await uow.adjustments.get(adjustment_id)
        if adjustment is None:
            raise NotFound("no such adjustment", code="adjustment_not_found", field="adjustment_id")
        if c.filer_type != "citizen" or adjustment.citizen_id != c.filer_id:
            raise Conflict(
                "the adjustment does not concern the filer of this complaint",
                code="adjustment_not_of_filer",
                field="adjustment_id",
            )
        if adjustment.status == "rejected":
            raise Conflict(
                "the adjustment was rejected", code="adjustment_rejected", field="adjustment_id"
            )
    before = _snapshot(c)
    if c.responded_at is None:
        c.responded_at = now
    c.status, c.resolved_at, c.resolution, c.adjustment_id = "resolved", now, text, adjustment_id
    return _done(uow, actor, c, "resolved", text, before, now)
