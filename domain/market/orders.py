"""Ordering whole tonnes of a listing, in two stages around the payment service.

1. In the request's transaction: the Idempotency-Key is claimed by inserting the order (unique
   per buyer and key), then the tonnes are reserved by one conditional UPDATE of the listing's
   counters (so 20 buyers racing for 5 t get 5 t between them, never more), and that commits.
2. The payment is prepared at the payment service (Native: a QR code's URL; JSAPI: the
   mini-app's parameters), with the order's expiry, and stored with the order. When it cannot be
   prepared, the order closes and its tonnes are available again; the error is the answer.

The same key again answers the same order; with another request it is 422
`idempotency_key_reused`. While the first request is still preparing, 409 `order_in_progress`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

import msgspec

from domain.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from domain.identity.principal import Principal
from domain.ids import new_id
from domain.ledger.idempotency import checked_key, request_hash
from domain.market.payments import PaymentGateway
from domain.market.pricing import amount, fee
from domain.persistence.tables import MarketOrder
from domain.persistence.uow import UnitOfWork
from domain.registry import access
from domain.registry.accounts import org_account_id
from domain.registry.transfers import checked_quantity

Channel = Literal["native", "jsapi"]


def key_owner(principal: Principal) -> str:
    return f"staff:{principal.id}"


class Buyer(msgspec.Struct, frozen=True, kw_only=True):
    """Who orders: where the units go, whose money account pays, whose keys these are."""

    account_id: str  # the registry account the units are delivered to
    org_id: str | None = None
    citizen_id: str | None = None
    key_owner: str  # whose Idempotency-Keys
    created_by: str  # as movements and the audit name them
    payer_openid: str | None = None  # a JSAPI payer
    beneficiary: str | None = None  # a citizen's order: retired at once for them


async def org_buyer(uow: UnitOfWork, principal: Principal, payer_openid: str | None) -> Buyer:
    """A member of an organisation buying into its holding account."""
    if principal.org_id is None:
        raise Forbidden("only members of an organisation buy here", code="not_a_member")
    account = await access.account(uow, org_account_id(principal.org_id), field="account")
    return Buyer(
        account_id=account.id,
        org_id=principal.org_id,
        key_owner=key_owner(principal),
        created_by=access.mover(principal),
        payer_openid=payer_openid,
    )


async def place(
    uow: UnitOfWork,
    gateway: PaymentGateway,
    buyer: Buyer,
    *,
    listing_id: str,
    quantity: int,
    channel: Channel,
    idempotency_key: str | None,
    fee_bp: int,
    order_minutes: int,
    now: datetime,
) -> tuple[MarketOrder, bool]:
    """The order and whether it was made now (False: the key's earlier order, replayed)."""
    key = checked_key(idempotency_key)
    checked_quantity(quantity)
    if channel == "jsapi" and not buyer.payer_openid:
        raise InvalidInput(
            "payer_openid: a JSAPI payment needs the payer's openid",
            code="payer_openid_required",
            field="payer_openid",
        )
    owner = buyer.key_owner
    digest = request_hash(
        "market.order",
        {
            "listing_id": listing_id,
            "quantity": quantity,
            "channel": channel,
            "openid": buyer.payer_openid,
            "beneficiary": buyer.beneficiary,
        },
    )
    earlier = await uow.market.order_by_key(owner, key)
    if earlier is not None:
        return _replayed(earlier, digest), False
    listing = await uow.market.listing(listing_id)
    if listing is None:
        raise NotFound("listing_id: no such listing", code="listing_not_found", field="listing_id")
    if listing.org_id is not None and listing.org_id == buyer.org_id:
        raise Conflict("this listing is your organisation's own", code="own_listing")
    total = amount(quantity, listing.price_fen_per_t)
    order_id = new_id()
    row = {
        "id": order_id,
        "listing_id": listing.id,
        "buyer_account": buyer.account_id,
        "buyer_org_id": buyer.org_id,
        "buyer_citizen_id": buyer.citizen_id,
        "quantity": quantity,
        "price_fen_per_t": listing.price_fen_per_t,
        "amount_fen": total,
        "fee_fen": fee(total, fee_bp),
        "channel": channel,
        "status": "pending",
        "code_url": None,
        "jsapi": None,
        "expires_at": now + timedelta(minutes=order_minutes),
        "key_owner": owner,
        "idempotency_key": key,
        "request_hash": digest,
        "transaction_id": None,
        "paid_fen": None,
        "paid_at": None,
        "movement_id": None,
        "closed_at": None,
        "beneficiary": buyer.beneficiary,
        "retirement_id": None,
        "refund_reason": None,
        "refunded_at": None,
        "created_by": buyer.created_by,
        "created_at": now,
    }
    if not await uow.market.insert_order(row):  # the same key, committed meanwhile
        earlier = await uow.market.order_by_key(owner, key)
        assert earlier is not None
        return _replayed(earlier, digest), False
    if not await uow.market.reserve(listing.id, quantity):
        fresh = await uow.market.fresh_listing(listing.id)
        assert fresh is not None
        if fresh.status != "open":
            raise Conflict(f"the listing is {fresh.status}", code="listing_closed")
        raise Conflict(
            f"{quantity} t ordered, {fresh.available} t of this listing available",
            code="insufficient_units",
            available=fresh.available,
            requested=quantity,
        )
    await uow.commit_stage()
    try:
        prepared = await gateway.prepare(
            order_no=order_id,
            channel=channel,
            description=f"Puhui carbon units: {quantity} t",
            amount_fen=total,
            expires_at=row["expires_at"],
            payer_openid=buyer.payer_openid,
        )
    except DomainError:
        if await uow.market.move_order(order_id, ["pending"], "closed", closed_at=now):
            await uow.market.release(listing.id, quantity)
        await uow.commit_stage()
        raise
    await uow.market.set_payment(order_id, code_url=prepared.code_url, jsapi=prepared.jsapi)
    order = await uow.market.fresh_order(order_id)
    assert order is not None
    return order, True


def _replayed(order: MarketOrder, digest: str) -> MarketOrder:
    if order.request_hash != digest:
        raise InvalidInput(
            "this Idempotency-Key was used for a different order", code="idempotency_key_reused"
        )
    if order.status == "pending" and order.code_url is None and order.jsapi is None:
        raise Conflict(
            "this order is still being prepared; ask again in a moment", code="order_in_progress"
        )
    return order


async def buyer_order(uow: UnitOfWork, principal: Principal, order_id: str) -> MarketOrder:
    """An order of the caller's organisation (404 for anyone else's)."""
    order = await uow.market.fresh_order(order_id)
    if order is None or principal.org_id is None or order.buyer_org_id != principal.org_id:
        raise NotFound("no such order", code="order_not_found")
    return order
