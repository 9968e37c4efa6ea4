"""GET /v1/market/listings: the open listings, for everyone."""

from __future__ import annotations

from litestar import Controller, get

from api.market.schemas import ListingOut, listing_out
from domain.persistence.uow import UnitOfWork


class MarketListingsController(Controller):
    path = "/v1/market/listings"
    tags = ["market"]

    @get("/", summary="Open listings, newest first")
    async def open_listings(self, uow: UnitOfWork) -> list[ListingOut]:
        return [listing_out(x) for x in await uow.market.listings(status="open")]


CONTROLLERS: list[type] = [MarketListingsController]
