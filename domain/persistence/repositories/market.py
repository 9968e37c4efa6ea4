"""The market's records: reference prices, listings and their counters, orders, the payment
notices' inbox. Every change of a listing's counters or an order's status is one conditional
UPDATE, so two requests racing for the same tonnes or the same order never both win."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, literal_column, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.persistence.dialect import insert_one
from domain.persistence.repositories.buckets import day_totals
from domain.persistence.tables import (
    Listing,
    MarketOrder,
    PaymentNoticeRecord,
    Posting,
    ReferencePrice,
)

ORDERS = MarketOrder.__table__
NOTICES = PaymentNoticeRecord.__table__


class MarketRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # -- reference prices -----------------------------------------------------------------------

    def add_price(self, price: ReferencePrice) -> None:
        self.session.add(price)

    async def latest_price(self) -> ReferencePrice | None:
        stmt = (
            select(ReferencePrice)
            .order_by(ReferencePrice.created_at.desc(), ReferencePrice.id.desc())
            .limit(1)
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    # -- listings -------------------------------------------------------------------------------

    def add_listing(self, listing: Listing) -> None:
        self.session.add(listing)

    async def listing(self, listing_id: str, *, for_update: bool = False) -> Listing | None:
        stmt = select(Listing).where(Listing.id == listing_id)
        if for_update:
            stmt = stmt.with_for_update()
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def fresh_listing(self, listing_id: str) -> Listing | None:
        """The listing as stored now (its counters change by conditional UPDATEs)."""
        stmt = (
            select(Listing)
            .where(Listing.id == listing_id)
            .execution_options(populate_existing=True)
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def listings(
        self, *, status: str | None = None, org_id: str | None = None, limit: int = 100
    ) -> list[Listing]:
        stmt = select(Listing).order_by(Listing.created_at.desc(), Listing.id.desc()).limit(limit)
        if status is not None:
            stmt = stmt.where(Listing.status == status)
        if org_id is not None:
            stmt = stmt.where(Listing.org_id == org_id)
        return list((await self.session.execute(stmt)).scalars())

    async def cheapest_open(self, seller_account: str, quantity: int) -> str | None:
        stmt = (
            select(Listing.id)
            .where(
                Listing.seller_account == seller_account,
                Listing.status == "open",
                Listing.available >= quantity,
            )
            .order_by(Listing.price_fen_per_t, Listing.created_at, Listing.id)
            .limit(1)
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def reserve(self, listing_id: str, quantity: int) -> bool:
        """Take `quantity` of an open listing's available tonnes for an order (or nothing)."""
        stmt = (
            update(Listing)
            .where(
                Listing.id == listing_id,
                Listing.status == "open",
                Listing.available >= quantity,
            )
            .values(available=Listing.available - quantity, reserved=Listing.reserved + quantity)
            .execution_options(synchronize_session=False)
        )
        return (await self.session.execute(stmt)).rowcount == 1

    async def release(self, listing_id: str, quantity: int) -> bool:
        """An unpaid order's tonnes are available again."""
        stmt = (
            update(Listing)
            .where(Listing.id == listing_id, Listing.reserved >= quantity)
            .values(available=Listing.available + quantity, reserved=Listing.reserved - quantity)
            .execution_options(synchronize_session=False)
        )
        return (await self.session.execute(stmt)).rowcount == 1

    async def sell(self, listing_id: str, quantity: int, now: datetime) -> bool:
        """A paid order's reserved tonnes are sold; the last of them closes the listing."""
        last = (Listing.available == 0) & (Listing.reserved == quantity)
        stmt = (
            update(Listing)
            .where(Listing.id == listing_id, Listing.reserved >= quantity)
            .values(
                reserved=Listing.reserved - quantity,
                sold=Listing.sold + quantity,
                status=case((last, "sold"), else_=Listing.status),
                closed_at=case((last, now), else_=Listing.closed_at),
            )
            .execution_options(synchronize_session=False)
        )
        return (await self.session.execute(stmt)).rowcount == 1

    async def unsell(self, listing_id: str, quantity: int) -> bool:
        """A refunded sale's tonnes went back to the seller: counted as returned."""
        stmt = (
            update(Listing)
            .where(Listing.id == listing_id, Listing.sold >= quantity)
            .values(sold=Listing.sold - quantity, returned=Listing.returned + quantity)
            .execution_options(synchronize_session=False)
        )
        return (await self.session.execute(stmt)).rowcount == 1

    async def withdraw(self, listing_id: str, now: datetime) -> int | None:
        """Close an open listing with nothing reserved; returns how many tonnes go back to the
        seller, or None when it is not open or something of it is reserved."""
        stmt = (
            update(Listing)
            .where(Listing.id == listing_id, Listing.status == "open", Listing.reserved == 0)
            .values(
                returned=Listing.returned + Listing.available,
                available=0,
                status="withdrawn",
                closed_at=now,
            )
            .returning(Listing.returned)
            .execution_options(synchronize_session=False)
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    # -- orders ---------------------------------------------------------------------------------

    async def insert_order(self, row: dict[str, Any]) -> bool:
        """Insert the order unless its buyer used its Idempotency-Key before (then False; on
        PostgreSQL a concurrent insert with the same key waits for the other to end)."""
        return await insert_one(
            self.session, ORDERS, row, conflict_on=["key_owner", "idempotency_key"]
        )

    async def order(self, order_id: str) -> MarketOrder | None:
        stmt = select(MarketOrder).where(MarketOrder.id == order_id)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def fresh_order(self, order_id: str) -> MarketOrder | None:
        """The order as stored now (not as this session last saw it)."""
        stmt = (
            select(MarketOrder)
            .where(MarketOrder.id == order_id)
            .execution_options(populate_existing=True)
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def order_by_key(self, key_owner: str, key: str) -> MarketOrder | None:
        stmt = select(MarketOrder).where(
            MarketOrder.key_owner == key_owner, MarketOrder.idempotency_key == key
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def move_order(
        self, order_id: str, from_statuses: Sequence[str], to_status: str, **values: Any
    ) -> bool:
        """Move the order to `to_status` if it is in one of `from_statuses` (one wins a race)."""
        stmt = (
            update(MarketOrder)
            .where(MarketOrder.id == order_id, MarketOrder.status.in_(from_statuses))
            .values(status=to_status, **values)
            .execution_options(synchronize_session=False)
        )
        return (await self.session.execute(stmt)).rowcount == 1

    async def set_payment(self, order_id: str, **values: Any) -> None:
        """Store what the payment service prepared (its code URL or JSAPI parameters)."""
        stmt = (
            update(MarketOrder)
            .where(MarketOrder.id == order_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        await self.session.execute(stmt)

    async def expired_pending(self, now: datetime, *, limit: int) -> list[str]:
        stmt = (
            select(MarketOrder.id)
            .where(MarketOrder.status == "pending", MarketOrder.expires_at <= now)
            .order_by(MarketOrder.expires_at)
            .limit(limit)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def orders_of(
        self, *, buyer_accounts: Sequence[str], limit: int = 100
    ) -> list[MarketOrder]:
        """The orders of these buyer accounts, newest first."""
        stmt = (
            select(MarketOrder)
            .where(MarketOrder.buyer_account.in_(buyer_accounts))
            .order_by(MarketOrder.created_at.desc(), MarketOrder.id.desc())
            .limit(limit)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def orders(self, *, status: str | None = None, limit: int = 100) -> list[MarketOrder]:
        """Every buyer's orders (staff), newest first, of one status if given."""
        stmt = (
            select(MarketOrder)
            .order_by(MarketOrder.created_at.desc(), MarketOrder.id.desc())
            .limit(limit)
        )
        if status is not None:
            stmt = stmt.where(MarketOrder.status == status)
        return list((await self.session.execute(stmt)).scalars())

    # -- the payment notices' inbox -------------------------------------------------------------

    async def take_notice(
        self, event_id: str, kind: str, order_id: str, outcome: str, now: datetime
    ) -> bool:
        """Record a notice as handled; False if it was handled before (or is being handled)."""
        row = {
            "event_id": event_id,
            "kind": kind,
            "order_id": order_id,
            "outcome": outcome,
            "received_at": now,
        }
        return await insert_one(self.session, NOTICES, row, conflict_on=["event_id"])

    async def set_notice_outcome(self, event_id: str, outcome: str) -> None:
        stmt = (
            update(PaymentNoticeRecord)
            .where(PaymentNoticeRecord.event_id == event_id)
            .values(outcome=outcome)
            .execution_options(synchronize_session=False)
        )
        await self.session.execute(stmt)

    # -- public statistics (exchange helper) --

    async def delivered_by_bucket(
        self, bounds: Sequence[datetime]
    ) -> list[tuple[int, int, int, int, int, int]]:
        """(bucket, tonnes, orders, fen, highest and lowest price per tonne) of the orders
        delivered, by the time they were paid; bucket i is [bounds[i], bounds[i + 1])."""
        bucket = case(
            *[
                (MarketOrder.paid_at < hi, literal_column(str(i)))
                for i, hi in enumerate(bounds[1:])
            ],
        ).label("bucket")
        inner = (
            select(
                bucket,
                MarketOrder.quantity.label("quantity"),
                MarketOrder.amount_fen.label("amount"),
                MarketOrder.price_fen_per_t.label("price"),
            )
            .where(
                MarketOrder.status == "delivered",
                MarketOrder.paid_at >= bounds[0],
                MarketOrder.paid_at < bounds[-1],
            )
            .subquery()
        )
        return await day_totals(self.session, inner)

    async def money_in_out(self, account_id: str) -> tuple[int, int]:
        """All a money account ever received, and all it ever gave (fen)."""
        into = func.coalesce(
            func.sum(case((Posting.credit_account == account_id, Posting.amount), else_=0)), 0
        )
        out = func.coalesce(
            func.sum(case((Posting.debit_account == account_id, Posting.amount), else_=0)), 0
        )
        stmt = select(into, out).where(Posting.chain_account == account_id)
        got, gave = (await self.session.execute(stmt)).one()
        return int(got), int(gave)

    async def money_movements(self, account_id: str, *, limit: int) -> list[Posting]:
        """A money account's latest postings, newest first."""
        stmt = (
            select(Posting)
            .where(Posting.chain_account == account_id)
            .order_by(Posting.seq.desc())
            .limit(limit)
        )
        return list((await self.session.execute(stmt)).scalars())
