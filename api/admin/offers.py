"""/v1/admin/offers: create offers for a merchant, approve, reject or withdraw them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Controller, get, post
from litestar.params import Parameter

from api.schemas import CURSOR, LIMIT, page_of
from api.security.auth import staff_guard
from api.shared.offers import AdminOfferOut, AdminOfferPage, OfferProposal, admin_offer_out
from domain.governance.audit import Actor
from domain.identity.principal import Role
from domain.merchants import offers
from domain.persistence.uow import UnitOfWork

WRITE = staff_guard(Role.ADMIN, Role.OPERATIONS)
READ = staff_guard(Role.ADMIN, Role.OPERATIONS, Role.AUDITOR)


class AdminOfferIn(OfferProposal, forbid_unknown_fields=True, kw_only=True):
    """An offer staff create on a merchant's behalf: a proposal plus the merchant."""

    merchant_id: Annotated[str, msgspec.Meta(min_length=1, max_length=26)]


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
    ) -> AdminOfferPage:
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
