"""Arranging the market benchmark directly in its fresh database (not timed, not over HTTP), through
the real use cases: a reference price (prices.set_price); N seller organisations, each with units
issued four-eyes (bench/registry/setup.py) and listed in one listing at a price in the band
(listings.list_units, as the organisation's member); M buyer organisations, each with its holding
account and one member, signed in over HTTP before the timed phase."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from bench.registry.setup import Member, World, _organisation, _uscc
from domain.clock import shanghai_date, utcnow
from domain.governance.audit import CLI, Actor
from domain.identity.passwords import hash_password
from domain.identity.principal import Principal, Role
from domain.ids import new_id
from domain.market import listings, prices
from domain.persistence.engine import build_engine
from domain.persistence.tables import Organisation, Staff
from domain.persistence.uow import Database
from domain.registry.accounts import open_org_account

REFERENCE_FEN_PER_T = 9_500  # 95 yuan a tonne, as the demo; the band is 8,550..10,450
BAND_PERCENT = 10  # PUHUI_MARKET_PRICE_BAND_PERCENT's default, which the server also uses
BUYER_BASE = 50_000  # buyers' USCC numbers, clear of the sellers' 0..N-1


@dataclass
class Listed:
    listing_id: str
    seller: Member
    quantity: int
    price_fen_per_t: int


@dataclass
class Market:
    listings: list[Listed] = field(default_factory=list)
    buyers: World = field(default_factory=World)


async def _list_all(db: Database, seller: Member, units: int, price: int) -> Listed:
    """The seller's member lists all its units, as POST /v1/org/listings would."""
    async with db.unit_of_work() as uow:
        staff = await uow.staff.by_username(seller.username)
        assert staff is not None
        principal = Principal(
            kind="staff", id=staff.id, family_id=staff.id, role=Role.ORG, org_id=seller.org_id
        )
        listing = await listings.list_units(
            uow,
            principal,
            Actor(id=staff.id, role="org"),
            account=seller.account_id,
            quantity=units,
            price_fen_per_t=price,
            band_percent=BAND_PERCENT,
            now=utcnow(),
        )
        return Listed(listing.id, seller, units, price)


async def _buyer(db: Database, n: int) -> Member:
    now = utcnow()
    org = Organisation(
        id=new_id(),
        name=f"Bench Buyer {n}",
        uscc=_uscc(BUYER_BASE + n),
        kind="enterprise",
        district="gulou",
        contact={"name": "bench"},
        status="active",
        application_id=None,
        created_at=now,
    )
    password = secrets.token_urlsafe(12)
    member = Member(org.id, "", f"bench-buyer-{n}", password)
    async with db.unit_of_work() as uow:
        uow.session.add(org)
        await uow.flush()
        member.account_id = (await open_org_account(uow, org_id=org.id, name=org.name, now=now)).id
        uow.staff.add(
            Staff(
                id=new_id(),
                username=member.username,
                password_hash=hash_password(password),
                role="org",
                org_id=org.id,
                org_admin=True,
                active=True,
                created_at=now,
            )
        )
    return member


async def arrange(url: str, sellers: int, units: int, buyers: int) -> Market:
    db = Database(build_engine(url, pool_size=2))
    try:
        async with db.unit_of_work() as uow:
            now = utcnow()
            await prices.set_price(
                uow,
                CLI,
                price_fen_per_t=REFERENCE_FEN_PER_T,
                as_of=shanghai_date(now),
                source="bench/market",
                now=now,
            )
        market = Market()
        for n in range(sellers):
            seller = await _organisation(db, n, units)
            price = REFERENCE_FEN_PER_T + 50 * (n % 11 - 5)  # 9,250..9,750: inside the band
            market.listings.append(await _list_all(db, seller, units, price))
        market.buyers = World(members=[await _buyer(db, n) for n in range(buyers)])
        return market
    finally:
        await db.dispose()
