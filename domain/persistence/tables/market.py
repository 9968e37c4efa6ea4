from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from domain.persistence.base import Base, PublicId


class ReferencePrice(Base):
    """A reference price per tonne (the national ETS price), as staff entered it. Never edited:
    a new price is a new row, and the latest entered is the one in force, so the history of what
    listings were checked against stays."""

    __tablename__ = "reference_prices"
    __table_args__ = (
        CheckConstraint("price_fen_per_t > 0", name="price_positive"),
        Index("ix_reference_prices_created", "created_at"),
    )

    id: Mapped[str] = mapped_column(PublicId(), primary_key=True)
    price_fen_per_t: Mapped[int] = mapped_column(BigInteger)
    as_of: Mapped[date] = mapped_column(Date)  # the trading day the price is from
    source: Mapped[str] = mapped_column(String(200))  # e.g. the national ETS closing price
    set_by: Mapped[str] = mapped_column(PublicId())
    created_at: Mapped[datetime]


class Listing(Base):
    """Units offered for sale at a price per tonne. The units wait, frozen, in the listing's own
    holding account (`escrow_account`, kind `registry`, named after the listing) until they are
    sold or the listing is withdrawn; the counters say where each listed tonne is:
    quantity = available + reserved + sold + returned, always (a check constraint)."""

    __tablename__ = "listings"
    __table_args__ = (
        CheckConstraint("price_fen_per_t > 0", name="price_positive"),
        CheckConstraint(
            "available >= 0 AND reserved >= 0 AND sold >= 0 AND returned >= 0", name="counters"
        ),
        CheckConstraint("quantity = available + reserved + sold + returned", name="conserved"),
        Index("ix_listings_status_created", "status", "created_at"),
        Index("ix_listings_seller_created", "seller_account", "created_at"),
    )

    id: Mapped[str] = mapped_column(PublicId(), primary_key=True)
    org_id: Mapped[str | None] = mapped_column(PublicId(), ForeignKey("organisations.id"))
    seller_account: Mapped[str] = mapped_column(String(40), ForeignKey("registry_accounts.id"))
    escrow_account: Mapped[str] = mapped_column(String(40), ForeignKey("registry_accounts.id"))
    quantity: Mapped[int] = mapped_column(BigInteger)
    available: Mapped[int] = mapped_column(BigInteger)  # may be ordered now
    reserved: Mapped[int] = mapped_column(BigInteger)  # held by unpaid orders
    sold: Mapped[int] = mapped_column(BigInteger)
    returned: Mapped[int] = mapped_column(BigInteger)  # back to the seller (withdrawn)
    price_fen_per_t: Mapped[int] = mapped_column(BigInteger)
    reference_price_id: Mapped[str] = mapped_column(PublicId(), ForeignKey("reference_prices.id"))
    status: Mapped[str] = mapped_column(String(16))  # open | sold | withdrawn
    created_by: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]


class MarketOrder(Base):
    """A buyer's order of whole tonnes of one listing, paid through the payment service.

    pending (units reserved, payment prepared) -> delivered (paid: units and money moved, once)
    | closed (unpaid by `expires_at`, or the payment could not be prepared: units released).
    A payment that arrives for a closed order is `paid_late` (nothing delivered, the money held
    for the buyer) until it is refunded: refunding -> refunded.
    """

    __tablename__ = "market_orders"
    __table_args__ = (
        CheckConstraint("quantity > 0 AND amount_fen > 0 AND fee_fen >= 0", name="amounts"),
        UniqueConstraint("key_owner", "idempotency_key"),
        Index("ix_market_orders_status_expires", "status", "expires_at"),
        Index("ix_market_orders_status_paid", "status", "paid_at"),  # the public market's days
        Index("ix_market_orders_buyer_created", "buyer_account", "created_at"),
        Index("ix_market_orders_listing", "listing_id"),
    )

    id: Mapped[str] = mapped_column(PublicId(), primary_key=True)  # WeChat Pay's out_trade_no
    listing_id: Mapped[str] = mapped_column(PublicId(), ForeignKey("listings.id"))
    buyer_account: Mapped[str] = mapped_column(String(40), ForeignKey("registry_accounts.id"))
    buyer_org_id: Mapped[str | None] = mapped_column(PublicId(), ForeignKey("organisations.id"))
    buyer_citizen_id: Mapped[str | None] = mapped_column(PublicId())
    quantity: Mapped[int] = mapped_column(BigInteger)
    price_fen_per_t: Mapped[int] = mapped_column(BigInteger)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    fee_fen: Mapped[int] = mapped_column(BigInteger)
    channel: Mapped[str] = mapped_column(String(8))  # native | jsapi
    status: Mapped[str] = mapped_column(String(16))
    code_url: Mapped[str | None] = mapped_column(Text)
    jsapi: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    expires_at: Mapped[datetime]
    key_owner: Mapped[str] = mapped_column(String(64))
    idempotency_key: Mapped[str] = mapped_column(String(128))
    request_hash: Mapped[str] = mapped_column(String(64))
    transaction_id: Mapped[str | None] = mapped_column(String(64))
    paid_fen: Mapped[int | None] = mapped_column(BigInteger)  # what the payment service took
    paid_at: Mapped[datetime | None]
    movement_id: Mapped[str | None] = mapped_column(PublicId())
    closed_at: Mapped[datetime | None]
    beneficiary: Mapped[str | None] = mapped_column(String(200))  # a citizen's: retired at once
    retirement_id: Mapped[str | None] = mapped_column(PublicId())  # that retirement
    refund_reason: Mapped[str | None] = mapped_column(Text)
    refunded_at: Mapped[datetime | None]
    created_by: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime]


class PaymentNoticeRecord(Base):
    """The inbox of the payment service's callbacks: one row per notice id, written in the
    transaction that acts on the notice, so a notice delivered again changes nothing."""

    __tablename__ = "payment_notices"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # paid | refund
    order_id: Mapped[str] = mapped_column(PublicId())
    outcome: Mapped[str] = mapped_column(String(24))  # what it did: delivered, paid_late, ...
    received_at: Mapped[datetime]
