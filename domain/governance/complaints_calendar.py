"""Staff-added working days and holidays (over the official calendar), audited. A change moves
the due instants of every clock still running (an unresolved complaint's), so the queue, the
breach list and the dashboard, which compare stored due instants in SQL, follow at once."""

from __future__ import annotations

from datetime import date, datetime

from domain.errors import InvalidInput, NotFound
from domain.governance.audit import Actor, record
from domain.governance.complaints import SlaDays, check_text, due_pair
from domain.persistence.tables import WorkingDayOverride
from domain.persistence.uow import UnitOfWork

EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)


def _snapshot(row: WorkingDayOverride | None) -> dict[str, object] | None:
    if row is None:
        return None
    return {"working": row.working, "reason": row.reason}


async def _reclock(uow: UnitOfWork, days: SlaDays) -> int:
    moved = 0
    overrides = await uow.complaints.overrides()
    for c in await uow.complaints.unresolved(for_update=True):
        response_due, resolution_due = due_pair(c.filed_at, days, overrides)
        if c.responded_at is None and c.response_due_at != response_due:
            c.response_due_at, moved = response_due, moved + 1
        if c.resolution_due_at != resolution_due:
            c.resolution_due_at, moved = resolution_due, moved + 1
    return moved


async def put(
    uow: UnitOfWork,
    actor: Actor,
    day: date,
    *,
    working: bool,
    reason: str,
    days: SlaDays,
    now: datetime,
) -> WorkingDayOverride:
    """Declare a day working (`working`) or a holiday; replaces an earlier override of it."""
    if not EARLIEST <= day <= LATEST:
        raise InvalidInput(f"day: between {EARLIEST} and {LATEST}", code="invalid_day", field="day")
    reason = check_text(reason, "reason", 200)
    row = await uow.complaints.override(day)
    before = _snapshot(row)
    if row is None:
        row = WorkingDayOverride(
            day=day, working=working, reason=reason, created_by=actor.id, created_at=now
        )
        uow.complaints.add(row)
    else:
        row.working, row.reason, row.created_by, row.created_at = working, reason, actor.id, now
    await uow.flush()
    await _reclock(uow, days)
    record(
        uow, actor, "working_day.put", "working_day", day.isoformat(), before, _snapshot(row), now
    )
    return row


async def remove(uow: UnitOfWork, actor: Actor, day: date, *, days: SlaDays, now: datetime) -> None:
    """Back to the official calendar for that day."""
    row = await uow.complaints.override(day)
    if row is None:
        raise NotFound("no override for that day", code="override_not_found")
    before = _snapshot(row)
    await uow.complaints.drop_override(row)
    await uow.flush()
    await _reclock(uow, days)
    record(uow, actor, "working_day.remove", "working_day", day.isoformat(), before, None, now)
