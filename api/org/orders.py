"""/v1/org/orders: buy whole tonnes of a listing (Idempotency-Key), see the order, refund it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import Controller, Response, get, post

from api.idempotent import IDEMPOTENCY_KEY
from api.market.schemas import OrderIn, OrderOut, RefundIn, gateway, order_out
from api.security.auth import staff_guard
from api.services import Services
from domain.errors import Conflict
from domain.governance.audit import Actor
from domain.identity.principal import Principal, Role
from domain.market import delivery, orders, refunds
from domain.persistence.uow import UnitOfWork
from domain.registry.accounts import org_account_id
from domain.vouchers.qr import qr_svg

BUY = staff_guard(Role.ORG)


class OrgOrdersController(Controller):
    path = "/v1/org/orders"
    tags = ["market"]
    security = [{"BearerToken": []}]

    @post("/", guards=[BUY], summary="Order tonnes of a listing; pay with the answer's QR code")
    async def place(
        self,
        data: OrderIn,
        uow: UnitOfWork,
        services: Services,
        principal: Principal,
        now: datetime,
        idempotency_key: str | None = IDEMPOTENCY_KEY,
    ) -> Response[Any]:
        settings = services.settings
        buyer = await orders.org_buyer(uow, principal, data.payer_openid)
        order, new = await orders.place(
            uow,
            gateway(services),
            buyer,
            listing_id=data.listing_id,
            quantity=data.quantity,
            channel=data.channel,
            idempotency_key=idempotency_key,
            fee_bp=settings.market_fee_bp,
            order_minutes=settings.market_order_minutes,
            now=now,
        )
        return Response(order_out(order), status_code=201 if new else 200)

    @get("/", guards=[BUY], summary="Your organisation's orders, newest first")
    async def mine(self, uow: UnitOfWork, principal: Principal) -> list[OrderOut]:
        if principal.org_id is None:
            return []
        rows = await uow.market.orders_of(buyer_accounts=[org_account_id(principal.org_id)])
        return [order_out(x) for x in rows]

    @get("/{order_id:str}", guards=[BUY], summary="An order; a pending one is asked of WeChat Pay")
    async def show(
        self,
        order_id: str,
        uow: UnitOfWork,
        services: Services,
        principal: Principal,
        now: datetime,
    ) -> OrderOut:
        order = await orders.buyer_order(uow, principal, order_id)
        if await delivery.refresh(uow, services.payments, order, now):
            order = await orders.buyer_order(uow, principal, order_id)
        return order_out(order)

    @get(
        "/{order_id:str}/qr.svg",
        guards=[BUY],
        media_type="image/svg+xml",
        summary="A pending native order's code_url as a QR code, to scan with WeChat",
    )
    async def qr(self, order_id: str, uow: UnitOfWork, principal: Principal) -> Response[bytes]:
        order = await orders.buyer_order(uow, principal, order_id)
        if order.status != "pending" or not order.code_url:
            raise Conflict(f"this order is {order.status}: nothing to pay", code="not_payable")
        return Response(qr_svg(order.code_url), media_type="image/svg+xml")

    @post(
        "/{order_id:str}/refund",
        guards=[BUY],
        status_code=200,
        summary="Refund a payment that could not deliver",
    )
    async def refund(
        self,
        order_id: str,
        data: RefundIn,
        uow: UnitOfWork,
        services: Services,
        principal: Principal,
        actor: Actor,
        now: datetime,
    ) -> OrderOut:
        order = await refunds.request(
            uow, gateway(services), principal, actor, order_id, reason=data.reason, now=now
        )
        return order_out(order)


CONTROLLERS: list[type] = [OrgOrdersController]
