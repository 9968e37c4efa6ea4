"""/v1/org/listings: list held units for sale (frozen while listed), see and withdraw them."""

from __future__ import annotations

from datetime import datetime

from litestar import Controller, get, post

from api.market.schemas import ListingIn, ListingOut, listing_out
from api.security.auth import staff_guard
from api.services import Services
from domain.errors import NotFound
from domain.governance.audit import Actor
from domain.identity.principal import Principal, Role
from domain.market import listings
from domain.persistence.uow import UnitOfWork

SELL = staff_guard(Role.ORG, Role.ADMIN, Role.OPERATIONS)


class OrgListingsController(Controller):
    path = "/v1/org/listings"
    tags = ["market"]
    security = [{"BearerToken": []}]

    @post("/", guards=[SELL], status_code=201, summary="List held units at a price per tonne")
    async def create(
        self,
        data: ListingIn,
        uow: UnitOfWork,
        services: Services,
        principal: Principal,
        actor: Actor,
        now: datetime,
    ) -> ListingOut:
        listing = await listings.list_units(
            uow,
            principal,
            actor,
            account=data.account,
            quantity=data.quantity,
            price_fen_per_t=data.price_fen_per_t,
            band_percent=services.settings.market_price_band_percent,
            now=now,
        )
        return listing_out(listing)

    @get("/", guards=[SELL], summary="Your organisation's listings (staff: the platform's)")
    async def mine(self, uow: UnitOfWork, principal: Principal) -> list[ListingOut]:
        rows = await uow.market.listings(org_id=principal.org_id, limit=200)
        if principal.org_id is None:  # staff see the platform's (no organisation) listings
            rows = [x for x in rows if x.org_id is None]
        return [listing_out(x) for x in rows]

    @post(
        "/{listing_id:str}/withdraw",
        guards=[SELL],
        status_code=200,
        summary="Withdraw a listing while nothing of it is reserved",
    )
    async def withdraw(
        self, listing_id: str, uow: UnitOfWork, principal: Principal, actor: Actor, now: datetime
    ) -> ListingOut:
        if len(listing_id) > 40:
            raise NotFound("no such listing", code="listing_not_found")
        return listing_out(await listings.withdraw(uow, principal, actor, listing_id, now=now))


CONTROLLERS: list[type] = [OrgListingsController]
