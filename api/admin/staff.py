"""/v1/admin/staff: staff accounts (admin only)."""

from __future__ import annotations

from datetime import datetime

from litestar import Controller, get, patch, post

from api.admin.schemas import StaffCreate, StaffOut, StaffUpdate
from api.schemas import CURSOR, LIMIT, Page, page_of
from api.security.auth import staff_guard
from domain.governance.audit import Actor
from domain.identity import staff as staff_service
from domain.identity.principal import Role
from domain.persistence.tables import Staff
from domain.persistence.uow import UnitOfWork

ADMIN = staff_guard(Role.ADMIN)


def _out(s: Staff) -> StaffOut:
    return StaffOut(
        staff_id=s.id,
        username=s.username,
        role=s.role,
        merchant_id=s.merchant_id,
        store_id=s.store_id,
        active=s.active,
        created_at=s.created_at,
    )


class AdminStaffController(Controller):
    path = "/v1/admin/staff"
    tags = ["admin"]
    guards = [ADMIN]
    security = [{"BearerToken": []}]

    @post("/", summary="Create a staff account")
    async def create(
        self, data: StaffCreate, uow: UnitOfWork, actor: Actor, now: datetime
    ) -> StaffOut:
        account = await staff_service.create(
            uow,
            actor,
            username=data.username,
            password=data.password,
            role=data.role,
            merchant_id=data.merchant_id,
            store_id=data.store_id,
            now=now,
        )
        return _out(account)

    @get("/", summary="List staff accounts")
    async def list_staff(
        self,
        uow: UnitOfWork,
        limit: int = LIMIT,
        cursor: str | None = CURSOR,
    ) -> Page[StaffOut]:
        rows = await uow.staff.list(after=cursor, limit=limit + 1)
        return page_of([_out(r) for r in rows], limit, lambda s: s.staff_id)

    @patch("/{staff_id:str}", summary="Enable or disable a staff account")
    async def update(
        self, staff_id: str, data: StaffUpdate, uow: UnitOfWork, actor: Actor, now: datetime
    ) -> StaffOut:
        return _out(await staff_service.set_active(uow, actor, staff_id, data.active, now))
