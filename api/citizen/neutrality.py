"""/v1/me/neutrality/orders: a citizen buys whole tonnes of the citizens' aggregated reductions
(WeChat Pay JSAPI in the H5) and they are retired for them, with a certificate."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Response, get, post

from api.idempotent import IDEMPOTENCY_KEY
from api.market.schemas import gateway
from api.security.auth import citizen_guard
from api.services import Services
from domain.identity.principal import Principal
from domain.market import delivery, orders, personal
from domain.persistence.tables import MarketOrder
from domain.persistence.uow import UnitOfWork
from domain.registry.retirements import certificate_url


class NeutralityIn(msgspec.Struct, forbid_unknown_fields=True):
    quantity: int  # whole tonnes
    beneficiary: Annotated[str, msgspec.Meta(max_length=200)] | None = None


class NeutralityOrderOut(msgspec.Struct):
    order_id: str
    quantity: int
    price_fen_per_t: int
    amount_fen: int
    status: str  # pending | delivered (retired) | closed | paid_late | refunding | refunded
    expires_at: datetime
    created_at: datetime
    beneficiary: str | None
    jsapi: dict[str, str] | None = None  # hand to wx.requestPayment while pending
    retirement_id: str | None = None
    certificate_url: str | None = None


def out(order: MarketOrder) -> NeutralityOrderOut:
    return NeutralityOrderOut(
        order_id=order.id,
        quantity=order.quantity,
        price_fen_per_t=order.price_fen_per_t,
        amount_fen=order.amount_fen,
        status=order.status,
        expires_at=order.expires_at,
        created_at=order.created_at,
        beneficiary=order.beneficiary,
        jsapi=order.jsapi if order.status == "pending" else None,
        retirement_id=order.retirement_id,
        certificate_url=certificate_url(order.retirement_id) if order.retirement_id else None,
    )


class NeutralityController(Controller):
    path = "/v1/me/neutrality/orders"
    tags = ["citizen", "market"]
    guards = [citizen_guard]
    security = [{"BearerToken": []}]

    @post("/", summary="Buy tonnes of the citizens' reductions; retired for you once paid")
    async def buy(
        self,
        data: NeutralityIn,
        uow: UnitOfWork,
        services: Services,
        principal: Principal,
        now: datetime,
        idempotency_key: str | None = IDEMPOTENCY_KEY,
    ) -> Response[Any]:
        settings = services.settings
        buyer = await personal.citizen_buyer(
            uow, services.protector, principal.id, beneficiary=data.beneficiary, now=now
        )
        earlier = await uow.market.order_by_key(buyer.key_owner, idempotency_key or "")
        listing_id = (
            earlier.listing_id if earlier else await personal.listing_for(uow, data.quantity)
        )
        order, new = await orders.place(
            uow,
            gateway(services),
            buyer,
            listing_id=listing_id,
            quantity=data.quantity,
            channel="jsapi",
            idempotency_key=idempotency_key,
            fee_bp=settings.market_fee_bp,
            order_minutes=settings.market_order_minutes,
            now=now,
        )
        return Response(out(order), status_code=201 if new else 200)

    @get("/", summary="My neutrality orders, newest first")
    async def mine(self, uow: UnitOfWork, principal: Principal) -> list[NeutralityOrderOut]:
        rows = await uow.market.orders_of(
            buyer_accounts=[personal.personal_account_id(principal.id)]
        )
        return [out(o) for o in rows]

    @get("/{order_id:str}", summary="One order; a pending one is asked of WeChat Pay")
    async def show(
        self,
        order_id: str,
        uow: UnitOfWork,
        services: Services,
        principal: Principal,
        now: datetime,
    ) -> NeutralityOrderOut:
        order = await personal.citizen_order(uow, principal.id, order_id)
        if await delivery.refresh(uow, services.payments, order, now):
            order = await personal.citizen_order(uow, principal.id, order_id)
        return out(order)


CONTROLLERS: list[type] = [NeutralityController]
