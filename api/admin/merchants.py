"""/v1/admin/merchants: alliance merchants (the economy adds stores, offers and approval)."""

from __future__ import annotations

from datetime import datetime

from litestar import Controller, get, post

from api.admin.schemas import MerchantCreate, MerchantOut
from api.schemas import CURSOR, LIMIT, Page, page_of
from api.security.auth import staff_guard
from domain.audit import Actor
from domain.identity.principal import Role
from domain.merchants import create_merchant
from domain.persistence.tables import Merchant
from domain.persistence.uow import UnitOfWork

WRITE = staff_guard(Role.ADMIN, Role.OPERATIONS)
READ = staff_guard(Role.ADMIN, Role.OPERATIONS, Role.AUDITOR)


def _out(m: Merchant) -> MerchantOut:
    return MerchantOut(merchant_id=m.id, name=m.name, status=m.status, created_at=m.created_at)


class AdminMerchantController(Controller):
    path = "/v1/admin/merchants"
    tags = ["admin"]
    security = [{"BearerToken": []}]

    @post("/", guards=[WRITE], summary="Register an alliance merchant")
    async def create(
        self, data: MerchantCreate, uow: UnitOfWork, actor: Actor, now: datetime
    ) -> MerchantOut:
        return _out(await create_merchant(uow, actor, data.name, now))

    @get("/", guards=[READ], summary="List merchants")
    async def list_merchants(
        self,
        uow: UnitOfWork,
        limit: int = LIMIT,
        cursor: str | None = CURSOR,
    ) -> Page[MerchantOut]:
        rows = await uow.merchants.list(after=cursor, limit=limit + 1)
        return page_of([_out(r) for r in rows], limit, lambda m: m.merchant_id)
