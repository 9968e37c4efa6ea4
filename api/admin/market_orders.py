"""/v1/admin/market/orders: staff see every order (payments held for refund first of all) and
refund one, a delivered one included (its units come back to the seller)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from litestar import Controller, get, post
from litestar.params import Parameter

from api.market.schemas import OrderOut, gateway, order_out
from api.security.auth import staff_guard
from api.services import Services
from domain.governance.audit import Actor
from domain.identity.principal import Role
from domain.market import refunds
from domain.persistence.uow import UnitOfWork

READ = staff_guard(Role.ADMIN, Role.OPERATIONS, Role.AUDITOR)
DECIDE = staff_guard(Role.ADMIN)

Status = Literal["pending", "delivered", "closed", "paid_late", "refunding", "refunded"]


class StaffRefundIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=80)]


class AdminMarketOrderController(Controller):
    path = "/v1/admin/market/orders"
    tags = ["admin", "market"]
    security = [{"BearerToken": []}]

    @get("/", guards=[READ], summary="Orders of every buyer, newest first (filter by status)")
    async def list_orders(
        self,
        uow: UnitOfWork,
        status: Status | None = None,
        limit: Annotated[int, Parameter(ge=1, le=500)] = 100,
    ) -> list[OrderOut]:
        return [order_out(o) for o in await uow.market.orders(status=status, limit=limit)]

    @post(
        "/{order_id:str}/refund",
        guards=[DECIDE],
        status_code=200,
        summary="Refund an order through WeChat Pay (a delivered one: its units back first)",
    )
    async def refund(
        self,
        order_id: str,
        data: StaffRefundIn,
        uow: UnitOfWork,
        services: Services,
        actor: Actor,
        now: datetime,
    ) -> OrderOut:
        order = await refunds.staff_refund(
            uow, gateway(services), actor, order_id, reason=data.reason, now=now
        )
        return order_out(order)


CONTROLLERS: list[type] = [AdminMarketOrderController]
