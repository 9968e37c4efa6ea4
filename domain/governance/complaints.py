"""Complaints (客诉), the filer's side: citizens and merchants file a complaint in a category,
optionally about something of theirs (a trip or voucher of the citizen; a voucher redeemed at
the merchant), attach files, follow its steps and rate the outcome once it is resolved.

Two SLA clocks start when it is filed, counted in working days (domain/governance/
working_days.py): the first response and the resolution. Staff act in complaints_staff.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from domain.clock import shanghai_date
from domain.errors import Conflict, InvalidInput, NotFound
from domain.files.uploads import store
from domain.governance import working_days
from domain.ids import new_id
from domain.persistence.tables import Complaint, ComplaintAttachment, ComplaintStep, StoredFile
from domain.persistence.uow import UnitOfWork
from domain.text import blank

CATEGORIES = ("trip", "points", "voucher", "merchant", "privacy", "other")
# what each kind of filer may point at
REF_TYPES = {"citizen": ("trip", "voucher"), "merchant": ("redemption",)}
MAX_TEXT = 2000
MAX_COMMENT = 500
MAX_ATTACHMENTS = 5
DUE_SOON = timedelta(hours=24)  # a clock running out within this is `due_soon`


@dataclass(frozen=True)
class Filer:
    """Who files: `type` citizen | merchant, `id` the citizen's or the merchant's id, `actor_id`
    the person acting (the citizen, or the merchant's staff member)."""

    type: str
    id: str
    actor_id: str


@dataclass(frozen=True)
class SlaDays:
    response: int = 1
    resolution: int = 5


def check_text(text: str, field: str = "text", limit: int = MAX_TEXT) -> str:
    text = text.strip()
    if blank(text) or len(text) > limit or "\x00" in text:
        raise InvalidInput(
            f"{field}: 1 to {limit} characters", code=f"invalid_{field}", field=field
        )
    return text


def is_breached(c: Complaint, now: datetime) -> bool:
    """The same test as the repository's `breached_at`, for one loaded complaint."""
    if c.responded_at is None and c.response_due_at <= now:
        return True
    if c.responded_at is not None and c.responded_at > c.response_due_at:
        return True
    if c.resolved_at is None and c.resolution_due_at <= now:
        return True
    return c.resolved_at is not None and c.resolved_at > c.resolution_due_at


def sla_state(c: Complaint, now: datetime) -> str:
    """breached | due_soon (a running clock ends within DUE_SOON) | on_time."""
    if is_breached(c, now):
        return "breached"
    running = [
        due
        for due, stopped in (
            (c.response_due_at, c.responded_at),
            (c.resolution_due_at, c.resolved_at),
        )
        if stopped is None
    ]
    if running and min(running) - now <= DUE_SOON:
        return "due_soon"
    return "on_time"


def due_pair(
    filed_at: datetime, days: SlaDays, overrides: Mapping[date, bool]
) -> tuple[datetime, datetime]:
    """(response due, resolution due) for a complaint filed at `filed_at`."""
    return (
        working_days.due_at(filed_at, days.response, overrides),
        working_days.due_at(filed_at, days.resolution, overrides),
    )


async def clocks(uow: UnitOfWork, filed_at: datetime, days: SlaDays) -> tuple[datetime, datetime]:
    return due_pair(filed_at, days, await uow.complaints.overrides(since=shanghai_date(filed_at)))


def step(
    uow: UnitOfWork,
    c: Complaint,
    name: str,
    actor_type: str,
    actor_id: str,
    text: str | None,
    now: datetime,
) -> ComplaintStep:
    row = ComplaintStep(
        id=new_id(),
        complaint_id=c.id,
        step=name,
        actor_type=actor_type,
        actor_id=actor_id,
        text=text,
        created_at=now,
    )
    uow.complaints.add(row)
    return row


async def _check_ref(uow: UnitOfWork, filer: Filer, ref_type: str, ref_id: str) -> None:
    """The reference must be the filer's: 404 when it is not (or does not exist)."""
    if ref_type not in REF_TYPES[filer.type]:
        raise InvalidInput(
            f"ref_type: one of {', '.join(REF_TYPES[filer.type])}",
            code="invalid_ref_type",
            field="ref_type",
        )
    repo = uow.complaints
    if ref_type == "trip":
        found = await repo.trip_of_citizen(filer.id, ref_id) is not None
    elif ref_type == "voucher":
        found = await repo.voucher_of_citizen(filer.id, ref_id) is not None
    else:  # redemption: a voucher redeemed at one of the merchant's stores
        voucher = await repo.voucher_of_merchant(filer.id, ref_id)
        found = voucher is not None
        if voucher is not None and voucher.status != "redeemed":
            raise Conflict(
                "that voucher has not been redeemed", code="not_redeemed", field="ref_id"
            )
    if not found:
        raise NotFound(f"no such {ref_type} of yours", code="ref_not_found", field="ref_id")
    if await repo.open_with_ref(filer.type, filer.id, ref_type, ref_id) is not None:
        raise Conflict(
            f"you already have an open complaint about this {ref_type}",
            code="complaint_open_for_ref",
            field="ref_id",
        )


async def file(
    uow: UnitOfWork,
    filer: Filer,
    *,
    category: str,
    ref_type: str | None,
    ref_id: str | None,
    text: str,
    days: SlaDays,
    now: datetime,
) -> Complaint:
    if category not in CATEGORIES:
        raise InvalidInput(
            f"category: one of {', '.join(CATEGORIES)}", code="invalid_category", field="category"
        )
    if (ref_type is None) != (ref_id is None):
        raise InvalidInput("ref_type and ref_id go together", code="incomplete_ref", field="ref_id")
    text = check_text(text)
    if ref_type is not None and ref_id is not None:
        await _check_ref(uow, filer, ref_type, ref_id)
    response_due, resolution_due = await clocks(uow, now, days)
    c = Complaint(
        id=new_id(),
        filer_type=filer.type,
        filer_id=filer.id,
        filed_by=filer.actor_id,
        category=category,
        ref_type=ref_type,
        ref_id=ref_id,
        text=text,
        status="open",
        escalated=False,
        assignee_id=None,
        filed_at=now,
        response_due_at=response_due,
        resolution_due_at=resolution_due,
        responded_at=None,
        resolved_at=None,
        resolution=None,
        adjustment_id=None,
        rating=None,
        rating_comment=None,
        rated_at=None,
        updated_at=now,
    )
    uow.complaints.add(c)
    step(uow, c, "filed", filer.type, filer.actor_id, None, now)
    return c


async def own(uow: UnitOfWork, filer: Filer, complaint_id: str, *, lock: bool = False) -> Complaint:
    """The filer's complaint; another's is 404."""
    c = await uow.complaints.get(complaint_id, for_update=lock)
    if c is None or c.filer_type != filer.type or c.filer_id != filer.id:
        raise NotFound("no such complaint", code="complaint_not_found")
    return c


async def attach(
    uow: UnitOfWork,
    filer: Filer,
    complaint_id: str,
    *,
    name: str,
    content: bytes,
    content_type: str,
    max_bytes: int,
    now: datetime,
) -> tuple[ComplaintAttachment, StoredFile]:
    """A file for an unresolved complaint, stored once by its SHA-256."""
    c = await own(uow, filer, complaint_id, lock=True)
    name = name.strip()
    if not name or len(name) > 200 or any(ch in name for ch in "\x00/\\\r\n"):
        raise InvalidInput(
            "name: 1 to 200 characters, without slashes or line breaks",
            code="invalid_attachment_name",
            field="name",
        )
    if c.status == "resolved":
        raise Conflict("the complaint is resolved", code="complaint_resolved")
    if len(await uow.complaints.attachments(c.id)) >= MAX_ATTACHMENTS:
        raise Conflict(
            f"a complaint holds at most {MAX_ATTACHMENTS} files", code="too_many_attachments"
        )
    stored = await store(uow, content, content_type, max_bytes=max_bytes, now=now)
    row = ComplaintAttachment(
        id=new_id(), complaint_id=c.id, name=name, sha256=stored.sha256, created_at=now
    )
    uow.complaints.add(row)
    step(uow, c, "attached", filer.type, filer.actor_id, name, now)
    c.updated_at = now
    return row, stored


async def rate(
    uow: UnitOfWork,
    filer: Filer,
    complaint_id: str,
    *,
    score: int,
    comment: str | None,
    now: datetime,
) -> Complaint:
    """1..5 and an optional comment, once, after the complaint was resolved."""
    if not 1 <= score <= 5:
        raise InvalidInput("score: 1 to 5", code="invalid_score", field="score")
    if comment is not None:
        comment = check_text(comment, "comment", MAX_COMMENT)
    c = await own(uow, filer, complaint_id, lock=True)
    if c.status != "resolved":
        raise Conflict("a complaint is rated once it is resolved", code="not_resolved")
    if c.rated_at is not None:
        raise Conflict("this complaint was rated already", code="already_rated")
    c.rating, c.rating_comment, c.rated_at, c.updated_at = score, comment, now, now
    step(uow, c, "rated", filer.type, filer.actor_id, comment, now)
    return c


async def view(
    uow: UnitOfWork, filer: Filer, complaint_id: str
) -> tuple[Complaint, list[ComplaintStep], list[tuple[ComplaintAttachment, int, str]]]:
    """One of the filer's complaints with its steps and attachments."""
    c = await own(uow, filer, complaint_id)
    return c, await uow.complaints.steps(c.id), await uow.complaints.attachments(c.id)


async def attachment(
    uow: UnitOfWork, complaint_id: str, attachment_id: str, filer: Filer | None
) -> tuple[ComplaintAttachment, StoredFile]:
    """An attachment's file: the filer's own (filer given) or any complaint's (staff)."""
    if filer is not None:
        await own(uow, filer, complaint_id)
    found = await uow.complaints.attachment_file(complaint_id, attachment_id)
    if found is None:
        raise NotFound("no such attachment", code="attachment_not_found")
    return found
