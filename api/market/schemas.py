"""Request and response structs of the market (listings, orders), shared by its audiences."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

from api.services import Services
from domain.errors import UpstreamUnavailable
from domain.market.payments import PaymentGateway
from domain.persistence.tables import Listing, MarketOrder

Id = Annotated[str, msgspec.Meta(min_length=1, max_length=40)]


class ListingIn(msgspec.Struct, forbid_unknown_fields=True):
    account: Id  # the registry account whose units are listed
    quantity: int  # whole tonnes
    price_fen_per_t: int


class ListingOut(msgspec.Struct):
    listing_id: str
    account: str  # the seller's registry account
    quantity: int
    available: int
    reserved: int
    sold: int
    price_fen_per_t: int
    status: str  # open | sold | withdrawn
    created_at: datetime
    closed_at: datetime | None


def listing_out(listing: Listing) -> ListingOut:
    return ListingOut(
        listing_id=listing.id,
        account=listing.seller_account,
        quantity=listing.quantity,
        available=listing.available,
        reserved=listing.reserved,
        sold=listing.sold,
        price_fen_per_t=listing.price_fen_per_t,
        status=listing.status,
        created_at=listing.created_at,
        closed_at=listing.closed_at,
    )


class OrderIn(msgspec.Struct, forbid_unknown_fields=True):
    listing_id: Id
    quantity: int
    channel: Literal["native", "jsapi"] = "native"
    payer_openid: Annotated[str, msgspec.Meta(min_length=1, max_length=128)] | None = None


class RefundIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(max_length=80)] = ""


class OrderOut(msgspec.Struct):
    order_id: str
    listing_id: str
    account: str  # the buyer's registry account, where the units go
    quantity: int
    price_fen_per_t: int
    amount_fen: int
    fee_fen: int  # the platform's fee, paid by the seller out of the amount
    channel: str
    status: str  # pending | delivered | closed | paid_late | refunding | refunded
    expires_at: datetime
    created_at: datetime
    code_url: str | None = None  # native: show as a QR code
    jsapi: dict[str, str] | None = None  # jsapi: hand to wx.requestPayment
    paid_at: datetime | None = None
    transfer_id: str | None = None  # the registry movement that delivered the units


def order_out(order: MarketOrder) -> OrderOut:
    return OrderOut(
        order_id=order.id,
        listing_id=order.listing_id,
        account=order.buyer_account,
        quantity=order.quantity,
        price_fen_per_t=order.price_fen_per_t,
        amount_fen=order.amount_fen,
        fee_fen=order.fee_fen,
        channel=order.channel,
        status=order.status,
        expires_at=order.expires_at,
        created_at=order.created_at,
        code_url=order.code_url if order.status == "pending" else None,
        jsapi=order.jsapi if order.status == "pending" else None,
        paid_at=order.paid_at,
        transfer_id=order.movement_id,
    )


def gateway(services: Services) -> PaymentGateway:
    """The payment service, or 503 when none is configured."""
    if services.payments is None:
        raise UpstreamUnavailable(
            "payments are not configured on this service (PUHUI_WECHATPAY)",
            code="payment_unavailable",
        )
    return services.payments
