"""/v1/admin/notices: policies, rules and announcements drafted by staff, published by an admin
with a version number and an effective date (domain/governance/notices.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec
from litestar import Controller, get, post, put

from api.security.auth import staff_guard
from api.shared.notices import StaffNoticeOut, staff_out
from domain.governance import notices
from domain.governance.audit import Actor
from domain.identity.principal import Role
from domain.persistence.uow import UnitOfWork

WRITE = staff_guard(Role.ADMIN, Role.OPERATIONS)
READ = staff_guard(Role.ADMIN, Role.OPERATIONS, Role.AUDITOR)
PUBLISH = staff_guard(Role.ADMIN)
Title = Annotated[str, msgspec.Meta(min_length=1, max_length=notices.MAX_TITLE)]
Body = Annotated[str, msgspec.Meta(min_length=1, max_length=notices.MAX_BODY)]
Slug = Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9][a-z0-9-]{1,63}$")]


class NoticeCreate(msgspec.Struct, forbid_unknown_fields=True):
    notice_id: Slug  # stable: a new version of an existing notice reuses it
    kind: Literal["policy", "rule", "announcement"]
    title: Title
    body: Body
    effective_from: date  # may be in the future (upcoming)


class NoticeEdit(msgspec.Struct, forbid_unknown_fields=True):
    title: Title
    body: Body
    effective_from: date


class AdminNoticeController(Controller):
    path = "/v1/admin/notices"
    tags = ["admin"]
    security = [{"BearerToken": []}]

    @post("/", guards=[WRITE], summary="Draft a notice, or the next version of an existing one")
    async def create(
        self, data: NoticeCreate, uow: UnitOfWork, actor: Actor, now: datetime
    ) -> StaffNoticeOut:
        v = await notices.create(
            uow,
            actor,
            notice_id=data.notice_id,
            kind=data.kind,
            title=data.title,
            body=data.body,
            effective_from=data.effective_from,
            now=now,
        )
        return staff_out(v)

    @get(
        "/",
        guards=[READ],
        summary="Every version of every notice, drafts included (a rule's draft with its "
        "expert review's state)",
    )
    async def list_versions(self, uow: UnitOfWork) -> list[StaffNoticeOut]:
        return [
            staff_out(n.version, n.review_state, n.review_id) for n in await notices.staff_list(uow)
        ]

    @get("/{notice_id:str}", guards=[READ], summary="One notice's versions")
    async def detail(self, notice_id: str, uow: UnitOfWork) -> list[StaffNoticeOut]:
        return [
            staff_out(n.version, n.review_state, n.review_id)
            for n in await notices.staff_list(uow, notice_id)
        ]

    @put("/{notice_id:str}/versions/{number:int}", guards=[WRITE], summary="Edit a draft")
    async def edit(
        self,
        notice_id: str,
        number: int,
        data: NoticeEdit,
        uow: UnitOfWork,
        actor: Actor,
        now: datetime,
    ) -> StaffNoticeOut:
        v = await notices.edit(
            uow,
            actor,
            notice_id,
            number,
            title=data.title,
            body=data.body,
            effective_from=data.effective_from,
            now=now,
        )
        return staff_out(v)

    @post(
        "/{notice_id:str}/versions/{number:int}/publish",
        guards=[PUBLISH],
        summary="draft -> published (public from now, in force from its effective date)",
    )
    async def publish(
        self, notice_id: str, number: int, uow: UnitOfWork, actor: Actor, now: datetime
    ) -> StaffNoticeOut:
        return staff_out(await notices.publish(uow, actor, notice_id, number, now))

    @post(
        "/{notice_id:str}/versions/{number:int}/withdraw",
        guards=[PUBLISH],
        summary="published -> withdrawn (no longer public)",
    )
    async def withdraw(
        self, notice_id: str, number: int, uow: UnitOfWork, actor: Actor, now: datetime
    ) -> StaffNoticeOut:
        return staff_out(await notices.withdraw(uow, actor, notice_id, number, now))


CONTROLLERS: list[type] = [AdminNoticeController]
