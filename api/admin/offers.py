"""/v1/admin/offers: create offers for a merchant, approve, reject or withdraw them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Controller, get, post
from litestar.params import Parameter

from api.merchant.schemas import OfferProposal
from api.schemas import CURSOR, LIMIT, Page, page_of
from api.security.auth import staff_guard
from domain import offers
from domain.audit import Actor
from domain.identity.principal import Role
from domain.persistence.tables import Offer
from domain.persistence.uow import UnitOfWork

WRITE = staff_guard(Role.ADMIN, Role.OPERATIONS)
READ = staff_guard(Role.ADMIN, Role.OPERATIONS, Role.AUDITOR)


class AdminOfferIn(OfferProposal, forbid_unknown_fields=True, kw_only=True):
    """An offer staff create on a merchant's behalf: a proposal plus the merchant."""

    merchant_id: Annotated[str, msgspec.Meta(min_length=1, max_length=26)]


class AdminOfferOut(msgspec.Struct):
    offer_id: str
    merchant_id: str
    title: str
    description: str
    points_price: int
    stock_total: int
    stock_left: int
    per_citizen_limit: int
    valid_from: datetime
    valid_until: datetime
    voucher_days: int
    status: str  # pending | approved | rejected | withdrawn
    created_by: str
    decided_by: str | None
    decided_at: datetime | None
    created_at: datetime


def admin_offer_out(o: Offer) -> AdminOfferOut:
    return AdminOfferOut(
        offer_id=o.id,
        merchant_id=o.merchant_id,
        title=o.title,
        description=o.description,
        points_price=o.points_price,
        stock_total=o.stock_total,
        stock_left=o.stock_left,
        per_citizen_limit=o.per_citizen_limit,
        valid_from=o.valid_from,
        valid_until=o.valid_until,
        voucher_days=o.voucher_days,
        status=o.status,
        created_by=o.created_by,
        decided_by=o.decided_by,
        decided_at=o.decided_at,
        created_at=o.created_at,
    )


class AdminOfferController(Controller):
    path = "/v1/admin/offers"
    tags = ["admin"]
    security = [{"BearerToken": []}]

    @post("/", guards=[WRITE], summary="Create an offer for a merchant (pending)")
    async def create(
        self, data: AdminOfferIn, uow: UnitOfWork, actor: Actor, now: datetime
    ) -> AdminOfferOut:
        draft = offers.OfferDraft(
            **{f: getattr(data, f) for f in data.__struct_fields__ if f != "merchant_id"}
        )
        return admin_offer_out(await offers.create(uow, actor, data.merchant_id, draft, now))

    @get("/", guards=[READ], summary="Offers, optionally by status or merchant")
    async def list_offers(
        self,
        uow: UnitOfWork,
        limit: int = LIMIT,
        cursor: str | None = CURSOR,
        status: str | None = Parameter(default=None, max_length=16),
        merchant_id: str | None = Parameter(default=None, max_length=26),
    ) -> Page[AdminOfferOut]:
        rows = await uow.offers.list(
            after=cursor, limit=limit + 1, status=status, merchant_id=merchant_id
        )
        return page_of([admin_offer_out(o) for o in rows], limit, lambda o: o.offer_id)

    @post(
        "/{offer_id:str}/{decision:str}",
        guards=[WRITE],
        status_code=200,
        summary="approve | reject | withdraw an offer",
    )
    async def decide(
        self, offer_id: str, decision: str, uow: UnitOfWork, actor: Actor, now: datetime
    ) -> AdminOfferOut:
        return admin_offer_out(await offers.decide(uow, actor, offer_id, decision, now))
