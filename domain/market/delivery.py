"""A paid order delivers its units and records its money: exactly once.

Whoever learns of the payment first (the payment service's callback, a buyer's query, the
closing job) calls `settle`. One conditional UPDATE moves the order from `pending` to
`delivered`; only the caller that made it move, in the same transaction, sells the listing's
reserved tonnes, moves the units from the listing's escrow to the buyer (blocks with their
serials) and writes the money postings (domain/market/money.py). Every other caller finds the
order delivered and changes nothing. A payment for an order already closed cannot deliver (its
tonnes were released): the order becomes `paid_late`, the money is held for the buyer, and it
is refunded (domain/market/refunds.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from domain.errors import UpstreamUnavailable
from domain.governance.audit import SYSTEM, record
from domain.market import money, personal
from domain.market.payments import PaymentGateway, PaymentRefused, PaymentStatus
from domain.persistence.tables import MarketOrder
from domain.persistence.uow import UnitOfWork
from domain.registry import transfers
from domain.registry.accounts import PUBLIC_BEHAVIOUR


class UnknownOrder(LookupError):
    """A payment names an order we never made."""


Outcome = Literal["delivered", "paid_late", "already_settled", "amount_mismatch"]


def seller_money_account(order_listing_seller: str, org_id: str | None) -> str:
    """Where a sale's proceeds go: the fund pool for the public-behaviour account's units."""
    if order_listing_seller == PUBLIC_BEHAVIOUR or org_id is None:
        return money.FUND_POOL
    return money.money_account(org_id)


def buyer_money_account(order: MarketOrder) -> str:
    owner = order.buyer_org_id or order.buyer_citizen_id
    assert owner is not None, "an order has a buyer"
    return money.money_account(owner)


async def settle(
    uow: UnitOfWork,
    order_id: str,
    *,
    transaction_id: str,
    amount_fen: int,
    paid_at: datetime,
    now: datetime,
) -> Outcome:
    order = await uow.market.fresh_order(order_id)
    if order is None:
        raise UnknownOrder(order_id)
    paid = {"transaction_id": transaction_id, "paid_at": paid_at, "paid_fen": amount_fen}
    if amount_fen != order.amount_fen:
        # Never deliver for a different amount: held for the buyer, refunded, shown to staff.
        if await uow.market.move_order(order_id, ["pending", "closed"], "paid_late", **paid):
            if order.status == "pending":
                await uow.market.release(order.listing_id, order.quantity)
            await _hold_for_buyer(uow, order, amount_fen, now)
            return "amount_mismatch"
        return "already_settled"
    if await uow.market.move_order(order_id, ["pending"], "delivered", **paid):
        await _deliver(uow, order, now)
        return "delivered"
    if await uow.market.move_order(order_id, ["closed"], "paid_late", **paid):
        await _hold_for_buyer(uow, order, amount_fen, now)
        return "paid_late"
    return "already_settled"


async def settle_status(uow: UnitOfWork, status: PaymentStatus, now: datetime) -> Outcome | None:
    """Settle from a query's answer, if it says paid."""
    if status.state != "paid" or status.transaction_id is None or status.amount_fen is None:
        return None
    return await settle(
        uow,
        status.order_no,
        transaction_id=status.transaction_id,
        amount_fen=status.amount_fen,
        paid_at=status.paid_at or now,
        now=now,
    )


async def refresh(
    uow: UnitOfWork, gateway: PaymentGateway | None, order: MarketOrder, now: datetime
) -> bool:
    """A buyer looks at a pending order: ask the payment service and settle it if it was paid
    (a notice may be late). True when it settled now. When the service cannot answer, the order
    is shown as stored: the notice or the closing job will settle it."""
    if order.status != "pending" or gateway is None:
        return False
    try:
        status = await gateway.status(order.id)
    except (UpstreamUnavailable, PaymentRefused):
        return False
    return await settle_status(uow, status, now) is not None


async def _deliver(uow: UnitOfWork, order: MarketOrder, now: datetime) -> None:
    listing = await uow.market.listing(order.listing_id)
    assert listing is not None
    movement = await transfers.move_units(
        uow,
        from_account=listing.escrow_account,
        to_account=order.buyer_account,
        quantity=order.quantity,
        actor=f"market:{order.id}",
        now=now,
    )
    buyer_id = buyer_money_account(order)
    seller_id = seller_money_account(listing.seller_account, listing.org_id)
    locked = await money.lock(uow, [buyer_id, seller_id], now)
    buyer, seller = locked[buyer_id], locked[seller_id]
    rows = money.sale_rows(
        buyer,
        seller,
        amount_fen=order.amount_fen,
        fee_fen=order.fee_fen,
        order_id=order.id,
        now=now,
    )
    await money.write(uow, rows, [buyer, seller])
    await uow.market.set_payment(order.id, movement_id=movement.id)
    if order.buyer_citizen_id is not None:  # personal neutrality: retired for them at once
        await personal.retire_for_citizen(uow, order, now)
    # Last: the listing's row lock (which new orders of the listing wait for) is held briefly.
    if not await uow.market.sell(listing.id, order.quantity, now):
        raise AssertionError(f"listing {listing.id} does not hold order {order.id}'s tonnes")
    record(
        uow,
        SYSTEM,
        "market.deliver",
        "market_order",
        order.id,
        None,
        {
            "listing_id": listing.id,
            "quantity": order.quantity,
            "amount_fen": order.amount_fen,
            "fee_fen": order.fee_fen,
            "serial_ranges": movement.serial_ranges,
        },
        now,
    )


async def _hold_for_buyer(
    uow: UnitOfWork, order: MarketOrder, amount_fen: int, now: datetime
) -> None:
    buyer_id = buyer_money_account(order)
    buyer = (await money.lock(uow, [buyer_id], now))[buyer_id]
    row = money.paid_late_row(buyer, amount_fen=amount_fen, order_id=order.id, now=now)
    await money.write(uow, [row], [buyer])
    record(
        uow,
        SYSTEM,
        "market.paid_late",
        "market_order",
        order.id,
        None,
        {"amount_fen": amount_fen},
        now,
    )
