"""/v1/offers: the alliance's live offers (readable without logging in)."""

from __future__ import annotations

from datetime import datetime

from litestar import Controller, get

from api.citizen.schemas import OfferMerchant, OfferOut
from api.schemas import CURSOR, LIMIT, Page, page_of
from domain.merchants import offers
from domain.persistence.tables import Offer
from domain.persistence.uow import UnitOfWork


async def offer_out(uow: UnitOfWork, offer: Offer) -> OfferOut:
    merchant = await uow.merchants.get(offer.merchant_id)
    return OfferOut(
        offer_id=offer.id,
        merchant=OfferMerchant(
            merchant_id=offer.merchant_id, name=merchant.name if merchant else ""
        ),
        title=offer.title,
        description=offer.description,
        points_price=offer.points_price,
        stock_left=offer.stock_left,
        per_citizen_limit=offer.per_citizen_limit,
        valid_from=offer.valid_from,
        valid_until=offer.valid_until,
        voucher_days=offer.voucher_days,
    )


class OfferController(Controller):
    path = "/v1/offers"
    tags = ["citizen"]

    @get("/", summary="Approved offers live now")
    async def list_offers(
        self, uow: UnitOfWork, now: datetime, limit: int = LIMIT, cursor: str | None = CURSOR
    ) -> Page[OfferOut]:
        rows = await uow.offers.live(now, after=cursor, limit=limit + 1)
        return page_of([await offer_out(uow, o) for o in rows], limit, lambda o: o.offer_id)

    @get("/{offer_id:str}", summary="One live offer (404 unknown or not yet live, 410 ended)")
    async def one(self, offer_id: str, uow: UnitOfWork, now: datetime) -> OfferOut:
        return await offer_out(uow, await offers.live(uow, offer_id, now))
