"""Manual points adjustments, four eyes: one staff member proposes, a different one approves.

An approved adjustment is one `adjust` posting against sys:adjustment; a debit never takes a
balance below zero (the approval fails instead), a credit lands in a lot expiring as if earned now.
"""

from __future__ import annotations

from datetime import datetime

from domain.errors import Conflict, InvalidInput, NotFound
from domain.governance.audit import Actor, record
from domain.ids import new_id
from domain.ledger.postings import credit, debit, locked_citizen_account
from domain.persistence.tables import Adjustment
from domain.persistence.uow import UnitOfWork
from domain.points.expiry import expiry_for

ADJUSTMENT = "sys:adjustment"
MAX_POINTS = 1_000_000


def _summary(a: Adjustment) -> dict[str, object]:
    return {"citizen_id": a.citizen_id, "points": a.points, "reason": a.reason, "status": a.status}


async def propose(
    uow: UnitOfWork, actor: Actor, citizen_id: str, points: int, reason: str, now: datetime
) -> Adjustment:
    if points == 0 or abs(points) > MAX_POINTS:
        raise InvalidInput(
            f"points must be non-zero and at most {MAX_POINTS} either way", code="invalid_points"
        )
    if not reason.strip():
        raise InvalidInput("a reason is required", code="reason_required")
    citizen = await uow.citizens.get(citizen_id)
    if citizen is None:
        raise NotFound("no such citizen", code="citizen_not_found")
    adjustment = Adjustment(
        id=new_id(),
        citizen_id=citizen_id,
        points=points,
        reason=reason.strip(),
        status="proposed",
        proposed_by=actor.id,
        proposed_at=now,
    )
    uow.adjustments.add(adjustment)
    record(
        uow,
        actor,
        "adjustment.propose",
        "adjustment",
        adjustment.id,
        None,
        _summary(adjustment),
        now,
    )
    return adjustment


async def decide(
    uow: UnitOfWork, actor: Actor, adjustment_id: str, approve: bool, now: datetime
) -> Adjustment:
    adjustment = await uow.adjustments.get(adjustment_id, for_update=True)
    if adjustment is None:
        raise NotFound("no such adjustment", code="adjustment_not_found")
    if adjustment.status != "proposed":
        raise Conflict(f"the adjustment is already {adjustment.status}", code="already_decided")
    if adjustment.proposed_by == actor.id:
        raise Conflict("a different staff member must decide", code="four_eyes")
    before = _summary(adjustment)
    adjustment.status = "approved" if approve else "rejected"
    adjustment.decided_by = actor.id
    adjustment.decided_at = now
    if approve:
        account = await locked_citizen_account(uow, adjustment.citizen_id, now)
        common = {
            "kind": "adjust",
            "counter_account": ADJUSTMENT,
            "key": f"adjustment:{adjustment.id}",
            "ref": adjustment.id,
            "now": now,
        }
        if adjustment.points > 0:
            row = await credit(uow, account, lots={expiry_for(now): adjustment.points}, **common)
        else:
            row = await debit(uow, account, amount=-adjustment.points, **common)
        adjustment.posting_id = row["id"]
    record(
        uow,
        actor,
        f"adjustment.{'approve' if approve else 'reject'}",
        "adjustment",
        adjustment.id,
        before,
        _summary(adjustment),
        now,
    )
    return adjustment
