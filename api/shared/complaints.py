"""Complaints as the filers (citizens, merchants) and staff see them, and what filers send."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated
from urllib.parse import quote

import msgspec
from litestar import Response
from litestar.datastructures import UploadFile

from domain.governance import complaints
from domain.persistence.tables import Complaint, ComplaintAttachment, ComplaintStep, StoredFile

UPLOAD_CEILING = 64 * 1024 * 1024  # the transport's limit; PUHUI_UPLOAD_MAX_BYTES is the rule
Text = Annotated[str, msgspec.Meta(min_length=1, max_length=complaints.MAX_TEXT)]
Comment = Annotated[str, msgspec.Meta(min_length=1, max_length=complaints.MAX_COMMENT)]
RefId = Annotated[str, msgspec.Meta(min_length=1, max_length=26, pattern="^[0-9A-Za-z]+$")]
# what a filer never sees: who on the staff did it, and an escalation's internal reason
INTERNAL = ("escalated", "assigned")


class ComplaintIn(msgspec.Struct, forbid_unknown_fields=True):
    category: Annotated[str, msgspec.Meta(min_length=1, max_length=16)]  # trip, points, ...
    text: Text
    ref_type: Annotated[str, msgspec.Meta(min_length=1, max_length=16)] | None = None
    ref_id: RefId | None = None  # a trip or voucher of yours; a voucher redeemed at your stores


class RatingIn(msgspec.Struct, forbid_unknown_fields=True):
    score: Annotated[int, msgspec.Meta(ge=1, le=5)]
    comment: Comment | None = None


@dataclass
class AttachmentUpload:
    file: UploadFile  # PDF, PNG, JPEG, XLSX, DOCX, CSV, plain text or JSON
    name: str | None = None  # the file name when left out


class StepOut(msgspec.Struct):
    step: str  # filed | assigned | responded | escalated | resolved | rated | attached
    at: datetime
    by: str  # citizen | merchant | staff
    text: str | None
    actor_id: str | None = None  # staff views only


class AttachmentOut(msgspec.Struct):
    attachment_id: str
    name: str
    sha256: str
    size: int
    content_type: str
    created_at: datetime


class ComplaintOut(msgspec.Struct):
    complaint_id: str
    category: str
    ref_type: str | None
    ref_id: str | None
    text: str
    status: str  # open | assigned | responded | escalated | resolved
    filed_at: datetime
    response_due_at: datetime
    resolution_due_at: datetime
    responded_at: datetime | None
    resolved_at: datetime | None
    resolution: str | None
    adjustment_id: str | None
    rating: int | None
    rating_comment: str | None
    steps: list[StepOut]
    attachments: list[AttachmentOut] | None = None  # one complaint's view only


class StaffComplaintOut(msgspec.Struct):
    complaint_id: str
    filer_type: str
    filer_id: str
    filed_by: str
    category: str
    ref_type: str | None
    ref_id: str | None
    text: str
    status: str
    escalated: bool
    assignee_id: str | None
    filed_at: datetime
    response_due_at: datetime
    resolution_due_at: datetime
    responded_at: datetime | None
    resolved_at: datetime | None
    sla_state: str  # on_time | due_soon | breached
    resolution: str | None
    adjustment_id: str | None
    rating: int | None
    rating_comment: str | None
    steps: list[StepOut] | None = None  # one complaint's view only
    attachments: list[AttachmentOut] | None = None


def attachment_out(a: ComplaintAttachment, size: int, content_type: str) -> AttachmentOut:
    return AttachmentOut(
        attachment_id=a.id, name=a.name, sha256=a.sha256, size=size,
        content_type=content_type, created_at=a.created_at,
    )  # fmt: skip


def _step(s: ComplaintStep, staff: bool) -> StepOut:
    hide = not staff and s.step in INTERNAL
    return StepOut(
        step=s.step,
        at=s.created_at,
        by=s.actor_type,
        text=None if hide else s.text,
        actor_id=s.actor_id if staff else None,
    )


def filer_out(
    c: Complaint,
    steps: list[ComplaintStep],
    attachments: list[tuple[ComplaintAttachment, int, str]] | None = None,
) -> ComplaintOut:
    return ComplaintOut(
        complaint_id=c.id, category=c.category, ref_type=c.ref_type, ref_id=c.ref_id,
        text=c.text, status=c.status, filed_at=c.filed_at, response_due_at=c.response_due_at,
        resolution_due_at=c.resolution_due_at, responded_at=c.responded_at,
        resolved_at=c.resolved_at, resolution=c.resolution, adjustment_id=c.adjustment_id,
        rating=c.rating, rating_comment=c.rating_comment,
        steps=[_step(s, False) for s in steps],
        attachments=None if attachments is None else [attachment_out(*a) for a in attachments],
    )  # fmt: skip


def staff_out(
    c: Complaint,
    now: datetime,
    steps: list[ComplaintStep] | None = None,
    attachments: list[tuple[ComplaintAttachment, int, str]] | None = None,
) -> StaffComplaintOut:
    return StaffComplaintOut(
        complaint_id=c.id, filer_type=c.filer_type, filer_id=c.filer_id, filed_by=c.filed_by,
        category=c.category, ref_type=c.ref_type, ref_id=c.ref_id, text=c.text,
        status=c.status, escalated=c.escalated, assignee_id=c.assignee_id, filed_at=c.filed_at,
        response_due_at=c.response_due_at, resolution_due_at=c.resolution_due_at,
        responded_at=c.responded_at, resolved_at=c.resolved_at,
        sla_state=complaints.sla_state(c, now), resolution=c.resolution,
        adjustment_id=c.adjustment_id, rating=c.rating, rating_comment=c.rating_comment,
        steps=None if steps is None else [_step(s, True) for s in steps],
        attachments=None if attachments is None else [attachment_out(*a) for a in attachments],
    )  # fmt: skip


def file_response(a: ComplaintAttachment, stored: StoredFile) -> Response[bytes]:
    return Response(
        content=stored.content,
        media_type=stored.content_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(a.name)}",
            "X-Content-Type-Options": "nosniff",
            "ETag": f'"{stored.sha256}"',
            "Cache-Control": "private, no-store",
        },
    )
