"""/v1/admin/complaints: the queue with SLA due times and state, one complaint with its steps,
and the staff's actions: assign, respond, resolve (optionally linking an adjustment), escalate
(domain/governance/complaints_staff.py). Operations and admins write; auditors read."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from litestar import Controller, Response, get, post
from litestar.params import Parameter

from api import cursors
from api.schemas import CURSOR, LIMIT, Page, page_of
from api.security.auth import staff_guard
from api.shared.complaints import StaffComplaintOut, Text, file_response, staff_out
from api.shared.complaints_filer import anchor
from domain.errors import NotFound
from domain.governance import complaints, complaints_staff
from domain.governance.audit import Actor
from domain.identity.principal import Role
from domain.persistence.tables import Complaint
from domain.persistence.uow import UnitOfWork

WRITE = staff_guard(Role.ADMIN, Role.OPERATIONS)
READ = staff_guard(Role.ADMIN, Role.OPERATIONS, Role.AUDITOR)
Id = Annotated[str, msgspec.Meta(min_length=1, max_length=26, pattern="^[0-9A-Za-z]+$")]
Status = Literal["open", "assigned", "responded", "escalated", "resolved", "unresolved"]
Category = Literal["trip", "points", "voucher", "merchant", "privacy", "other"]


class AssignIn(msgspec.Struct, forbid_unknown_fields=True):
    staff_id: Id


class RespondIn(msgspec.Struct, forbid_unknown_fields=True):
    text: Text


class ResolveIn(msgspec.Struct, forbid_unknown_fields=True):
    text: Text
    adjustment_id: Id | None = None  # a points adjustment of the filer (/v1/admin/adjustments)


class EscalateIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]


async def _detail(uow: UnitOfWork, c: Complaint, now: datetime) -> StaffComplaintOut:
    await uow.flush()
    steps = await uow.complaints.steps(c.id)
    return staff_out(c, now, steps, await uow.complaints.attachments(c.id))


class AdminComplaintController(Controller):
    path = "/v1/admin/complaints"
    tags = ["admin"]
    security = [{"BearerToken": []}]

    @get("/", guards=[READ], summary="The queue, oldest first, with SLA due times and state")
    async def queue(
        self,
        uow: UnitOfWork,
        now: datetime,
        status: Status | None = None,
        breached: bool | None = Parameter(
            default=None, description="true: a clock ran out (late, or still open past due)"
        ),
        category: Category | None = None,
        assignee: Id | None = None,
        limit: int = LIMIT,
        cursor: str | None = CURSOR,
    ) -> Page[StaffComplaintOut]:
        after = await anchor(uow, cursor)
        rows = await uow.complaints.queue(
            now,
            status=status,
            breached=breached,
            category=category,
            assignee_id=assignee,
            after=after,
            limit=limit + 1,
        )
        return page_of(
            [staff_out(c, now) for c in rows], limit, lambda o: cursors.encode(o.complaint_id)
        )

    @get("/{complaint_id:str}", guards=[READ], summary="One complaint: steps and attachments")
    async def show(self, complaint_id: str, uow: UnitOfWork, now: datetime) -> StaffComplaintOut:
        c = await uow.complaints.get(complaint_id)
        if c is None:
            raise NotFound("no such complaint", code="complaint_not_found")
        return await _detail(uow, c, now)

    @get(
        "/{complaint_id:str}/attachments/{attachment_id:str}",
        guards=[READ],
        summary="An attached file",
    )
    async def download(
        self, complaint_id: str, attachment_id: str, uow: UnitOfWork
    ) -> Response[bytes]:
        return file_response(*await complaints.attachment(uow, complaint_id, attachment_id, None))

    @post("/{complaint_id:str}/assign", guards=[WRITE], summary="Give the complaint an owner")
    async def assign(
        self, complaint_id: str, data: AssignIn, uow: UnitOfWork, actor: Actor, now: datetime
    ) -> StaffComplaintOut:
        c = await complaints_staff.assign(uow, actor, complaint_id, data.staff_id, now)
        return await _detail(uow, c, now)

    @post(
        "/{complaint_id:str}/respond",
        guards=[WRITE],
        summary="Answer the filer (the first answer stops the response clock)",
    )
    async def respond(
        self, complaint_id: str, data: RespondIn, uow: UnitOfWork, actor: Actor, now: datetime
    ) -> StaffComplaintOut:
        c = await complaints_staff.respond(uow, actor, complaint_id, data.text, now)
        return await _detail(uow, c, now)

    @post(
        "/{complaint_id:str}/resolve",
        guards=[WRITE],
        summary="Resolve (stops both clocks), optionally linking an adjustment of the filer",
    )
    async def resolve(
        self, complaint_id: str, data: ResolveIn, uow: UnitOfWork, actor: Actor, now: datetime
    ) -> StaffComplaintOut:
        c = await complaints_staff.resolve(
            uow, actor, complaint_id, data.text, data.adjustment_id, now
        )
        return await _detail(uow, c, now)

    @post("/{complaint_id:str}/escalate", guards=[WRITE], summary="Escalate (reason is internal)")
    async def escalate(
        self, complaint_id: str, data: EscalateIn, uow: UnitOfWork, actor: Actor, now: datetime
    ) -> StaffComplaintOut:
        c = await complaints_staff.escalate(uow, actor, complaint_id, data.reason, now)
        return await _detail(uow, c, now)


CONTROLLERS: list[type] = [AdminComplaintController]
