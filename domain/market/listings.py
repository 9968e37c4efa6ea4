"""Listing held units for sale, and withdrawing a listing.

A seller (a member of the organisation holding the account, or staff for the platform's
public-behaviour account) lists whole tonnes at a price within the band around the reference
price. The units move into the listing's escrow account at once: frozen until sold or withdrawn.
Class II units are never listed (409 `class_ii_not_tradable`). A listing is withdrawn only while
no order holds any of it; what is left goes back to the seller.
"""

from __future__ import annotations

from datetime import datetime

from domain.errors import Conflict, NotFound
from domain.governance.audit import Actor, record
from domain.identity.principal import Principal
from domain.ids import new_id
from domain.market import escrow, prices
from domain.market.pricing import check_price
from domain.persistence.tables import Listing
from domain.persistence.uow import UnitOfWork
from domain.registry import access, transfers
from domain.registry.transfers import checked_quantity

SELLABLE_KINDS = frozenset({"holding", "public_behaviour"})


async def list_units(
    uow: UnitOfWork,
    principal: Principal,
    actor: Actor,
    *,
    account: str,
    quantity: int,
    price_fen_per_t: int,
    band_percent: int,
    now: datetime,
) -> Listing:
    checked_quantity(quantity)
    seller = await access.account(uow, account, field="account")
    access.check_may_move(principal, seller, field="account")
    if seller.kind not in SELLABLE_KINDS:
        raise Conflict(
            f"account: a {seller.kind} account's units cannot be listed",
            code="account_not_sellable",
            field="account",
        )
    reference = await prices.current(uow)
    check_price(price_fen_per_t, reference.price_fen_per_t, band_percent)
    listing_id = new_id()
    held_in = await escrow.open_escrow(uow, listing_id, org_id=seller.org_id, now=now)
    movement = await transfers.move_units(
        uow,
        from_account=seller.id,
        to_account=held_in.id,
        quantity=quantity,
        actor=access.mover(principal),
        now=now,
    )
    listing = Listing(
        id=listing_id,
        org_id=seller.org_id,
        seller_account=seller.id,
        escrow_account=held_in.id,
        quantity=quantity,
        available=quantity,
        reserved=0,
        sold=0,
        returned=0,
        price_fen_per_t=price_fen_per_t,
        reference_price_id=reference.id,
        status="open",
        created_by=access.mover(principal),
        created_at=now,
        closed_at=None,
    )
    uow.market.add_listing(listing)
    record(
        uow,
        actor,
        "market.list",
        "listing",
        listing_id,
        None,
        {
            "account": seller.id,
            "quantity": quantity,
            "price_fen_per_t": price_fen_per_t,
            "reference_price_fen_per_t": reference.price_fen_per_t,
            "serial_ranges": movement.serial_ranges,
        },
        now,
    )
    await uow.flush()
    return listing


async def withdraw(
    uow: UnitOfWork, principal: Principal, actor: Actor, listing_id: str, *, now: datetime
) -> Listing:
    listing = await uow.market.listing(listing_id)
    if listing is None:
        raise NotFound("no such listing", code="listing_not_found")
    seller = await access.account(uow, listing.seller_account, field="account")
    access.check_may_move(principal, seller, field="account")
    returned = await uow.market.withdraw(listing_id, now)
    if returned is None:
        fresh = await uow.market.listing(listing_id)
        assert fresh is not None
        if fresh.status != "open":
            raise Conflict(f"the listing is {fresh.status}", code="listing_closed")
        raise Conflict(
            f"{fresh.reserved} t of this listing are held by unpaid orders; withdraw it when "
            "they are paid or closed",
            code="listing_reserved",
            reserved=fresh.reserved,
        )
    back = returned  # a listing is withdrawn once: all it ever returned is what was left
    if back:
        await transfers.move_units(
            uow,
            from_account=listing.escrow_account,
            to_account=listing.seller_account,
            quantity=back,
            actor=access.mover(principal),
            now=now,
        )
    record(uow, actor, "market.withdraw", "listing", listing_id, None, {"returned": back}, now)
    fresh = await uow.market.fresh_listing(listing_id)
    assert fresh is not None
    return fresh
