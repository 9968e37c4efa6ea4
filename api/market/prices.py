"""/v1/market/reference-price for everyone, and PUT /v1/admin/reference-price for staff."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec
from litestar import Controller, get, put

from api.security.auth import staff_guard
from domain.governance.audit import Actor
from domain.identity.principal import Role
from domain.market import prices
from domain.persistence.tables import ReferencePrice
from domain.persistence.uow import UnitOfWork

WRITE = staff_guard(Role.ADMIN, Role.OPERATIONS)


class ReferencePriceIn(msgspec.Struct, forbid_unknown_fields=True):
    price_fen_per_t: int
    as_of: date
    source: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class ReferencePriceOut(msgspec.Struct):
    price_fen_per_t: int  # fen per tonne
    as_of: date  # the trading day it is from
    source: str
    set_at: datetime


def _out(p: ReferencePrice) -> ReferencePriceOut:
    return ReferencePriceOut(p.price_fen_per_t, p.as_of, p.source, p.created_at)


class ReferencePriceController(Controller):
    path = "/v1/market/reference-price"
    tags = ["market"]

    @get("/", summary="The reference price per tonne in force (the national ETS price)")
    async def show(self, uow: UnitOfWork) -> ReferencePriceOut:
        return _out(await prices.current(uow))


class AdminReferencePriceController(Controller):
    path = "/v1/admin/reference-price"
    tags = ["admin"]
    security = [{"BearerToken": []}]

    @put("/", guards=[WRITE], summary="Enter the reference price (kept as history, audited)")
    async def set_price(
        self, data: ReferencePriceIn, uow: UnitOfWork, actor: Actor, now: datetime
    ) -> ReferencePriceOut:
        price = await prices.set_price(
            uow,
            actor,
            price_fen_per_t=data.price_fen_per_t,
            as_of=data.as_of,
            source=data.source,
            now=now,
        )
        return _out(price)
