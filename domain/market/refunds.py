"""Refunds, per the market rules: before delivery, unless staff decide otherwise.

A buyer may have refunded a payment that could not deliver (`paid_late`: it arrived after the
order closed, or for another amount). A delivered order's units are the buyer's and its money
the seller's, so only staff refund it (409 `already_delivered` for the buyer): in one
transaction the very serials delivered go back from the buyer to the seller (409 if the buyer
moved or retired them: `units_moved`, `units_retired`), the listing counts them as returned, and
the sale's money postings are reversed (the seller gives back the amount less the fee; 409
`insufficient_funds` if the seller's money account no longer holds it).

Either way the order becomes `refunding` first, that commits, and then the refund is asked of
the payment service (its number derives from the order, so asking again is deduplicated there).
If the service cannot be reached the order stays `refunding` and asking again (the same request)
retries. The refund notice ends it (domain/market/notices.py): `refunded` and the buyer's held
money taken back out, or, if the service says it failed, back to `paid_late` for staff.
"""

from __future__ import annotations

from datetime import datetime

from domain.errors import Conflict, NotFound
from domain.governance.audit import Actor, record
from domain.identity.principal import Principal
from domain.ledger.postings import InsufficientPoints
from domain.market import delivery, money, notices, orders
from domain.market.payments import PaymentGateway
from domain.persistence.tables import MarketOrder
from domain.persistence.uow import UnitOfWork
from domain.registry import transfers
from domain.registry.transfers import named_serials


def refund_no(order_id: str) -> str:
    return f"{order_id}R1"


async def request(
    uow: UnitOfWork,
    gateway: PaymentGateway,
    principal: Principal,
    actor: Actor,
    order_id: str,
    *,
    reason: str,
    now: datetime,
) -> MarketOrder:
    """The buyer asks: a payment that could not deliver is refunded."""
    order = await orders.buyer_order(uow, principal, order_id)
    if order.status == "delivered":
        raise Conflict(
            "the units of this order were delivered; a refund after delivery is for staff to "
            "decide",
            code="already_delivered",
        )
    return await _refund(uow, gateway, actor, order, reason=reason, now=now)


async def staff_refund(
    uow: UnitOfWork,
    gateway: PaymentGateway,
    actor: Actor,
    order_id: str,
    *,
    reason: str,
    now: datetime,
) -> MarketOrder:
    """Staff decide: any paid order is refunded, a delivered one taking its units back."""
    order = await uow.market.fresh_order(order_id)
    if order is None:
        raise NotFound("no such order", code="order_not_found")
    if order.status == "delivered":
        await _take_back(uow, actor, order, reason=reason, now=now)
        order = await uow.market.fresh_order(order_id)
        assert order is not None
    return await _refund(uow, gateway, actor, order, reason=reason, now=now)


async def _refund(
    uow: UnitOfWork,
    gateway: PaymentGateway,
    actor: Actor,
    order: MarketOrder,
    *,
    reason: str,
    now: datetime,
) -> MarketOrder:
    if order.status == "refunded":
        return order
    if order.status == "paid_late":
        if not await uow.market.move_order(
            order.id, ["paid_late"], "refunding", refund_reason=reason
        ):
            raise Conflict("this order changed meanwhile; ask again", code="order_changed")
        record(uow, actor, "market.refund", "market_order", order.id, None, {"reason": reason}, now)
    elif order.status == "refunding":  # asked before: ask again exactly as then
        reason = order.refund_reason or reason
    else:
        raise Conflict(f"this order is {order.status}: nothing was paid", code="not_paid")
    await uow.commit_stage()
    paid = order.paid_fen or order.amount_fen
    state = await gateway.refund(
        order_no=order.id,
        refund_no=refund_no(order.id),
        amount_fen=paid,
        total_fen=paid,
        reason=reason or "refund",
    )
    if state == "succeeded":
        await notices.finish_refund(uow, order.id, "succeeded", now)
    fresh = await uow.market.fresh_order(order.id)
    assert fresh is not None
    return fresh


async def _take_back(
    uow: UnitOfWork, actor: Actor, order: MarketOrder, *, reason: str, now: datetime
) -> None:
    """A delivered order undone: the same serials back to the seller, the sale's money back
    to the buyer (held until the refund succeeds)."""
    if order.retirement_id is not None:
        raise Conflict("these units were retired for the buyer", code="units_retired")
    listing = await uow.market.listing(order.listing_id)
    movement = await uow.registry.movement(order.movement_id or "")
    assert listing is not None and movement is not None
    if not await uow.market.move_order(order.id, ["delivered"], "refunding", refund_reason=reason):
        raise Conflict("this order changed meanwhile; ask again", code="order_changed")
    try:
        back = await transfers.move_units(
            uow,
            from_account=order.buyer_account,
            to_account=listing.seller_account,
            quantity=order.quantity,
            named=named_serials(movement.serial_ranges),
            actor=f"{actor.role}:{actor.id}",
            now=now,
        )
    except Conflict as exc:
        raise Conflict(
            "the buyer no longer holds the units delivered: " + exc.detail, code="units_moved"
        ) from exc
    await uow.market.unsell(listing.id, order.quantity)
    buyer_id = delivery.buyer_money_account(order)
    seller_id = delivery.seller_money_account(listing.seller_account, listing.org_id)
    locked = await money.lock(uow, [buyer_id, seller_id], now)
    buyer, seller = locked[buyer_id], locked[seller_id]
    try:
        rows = money.unsale_rows(
            buyer,
            seller,
            amount_fen=order.amount_fen,
            fee_fen=order.fee_fen,
            order_id=order.id,
            now=now,
        )
    except InsufficientPoints as exc:
        raise Conflict(
            "the seller's money account no longer holds this sale's proceeds",
            code="insufficient_funds",
        ) from exc
    await money.write(uow, rows, [buyer, seller])
    record(
        uow,
        actor,
        "market.take_back",
        "market_order",
        order.id,
        None,
        {"reason": reason, "serial_ranges": back.serial_ranges},
        now,
    )
