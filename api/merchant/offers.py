"""Merchants propose offers (staff approve them) and apply to join the alliance."""

from __future__ import annotations

from datetime import datetime

from litestar import Controller, get, post

from api.merchant.redemptions import MERCHANT, cashier_of
from api.merchant.schemas import ApplicationOut, MerchantApplication
from api.schemas import CURSOR, LIMIT, page_of
from api.services import Services
from api.shared.offers import AdminOfferOut, AdminOfferPage, OfferProposal, admin_offer_out
from domain.governance.audit import Actor
from domain.identity.principal import Principal
from domain.merchants import offers
from domain.merchants import registration as merchants
from domain.persistence.uow import UnitOfWork


def draft_of(data: OfferProposal) -> offers.OfferDraft:
    return offers.OfferDraft(
        title=data.title,
        description=data.description,
        points_price=data.points_price,
        stock=data.stock,
        per_citizen_limit=data.per_citizen_limit,
        valid_from=data.valid_from,
        valid_until=data.valid_until,
        voucher_days=data.voucher_days,
    )


class MerchantOfferController(Controller):
    path = "/v1/merchant/offers"
    tags = ["merchant"]
    guards = [MERCHANT]
    security = [{"BearerToken": []}]

    @post("/", summary="Propose an offer (pending until staff approve it)")
    async def propose(
        self,
        data: OfferProposal,
        uow: UnitOfWork,
        principal: Principal,
        actor: Actor,
        now: datetime,
    ) -> AdminOfferOut:
        merchant_id = cashier_of(principal).merchant_id
        return admin_offer_out(await offers.create(uow, actor, merchant_id, draft_of(data), now))

    @get("/", summary="Our offers, every status")
    async def list_offers(
        self,
        uow: UnitOfWork,
        principal: Principal,
        limit: int = LIMIT,
        cursor: str | None = CURSOR,
    ) -> AdminOfferPage:
        rows = await uow.offers.list(
            after=cursor, limit=limit + 1, merchant_id=cashier_of(principal).merchant_id
        )
        return page_of([admin_offer_out(o) for o in rows], limit, lambda o: o.offer_id)


class MerchantApplicationController(Controller):
    path = "/v1/merchant-applications"
    tags = ["merchant"]

    @post("/", summary="Apply to join the alliance (staff review the application)")
    async def apply(
        self, data: MerchantApplication, uow: UnitOfWork, services: Services, now: datetime
    ) -> ApplicationOut:
        m = await merchants.apply(
            uow,
            services.protector,
            name=data.name,
            contact_name=data.contact_name,
            contact_phone=data.contact_phone,
            address=data.address,
            now=now,
        )
        return ApplicationOut(
            merchant_id=m.id, name=m.name, status=m.status, created_at=m.created_at
        )
