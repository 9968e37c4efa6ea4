"""The payment service's verified notices, acted on once each (an inbox of notice ids).

A notice is recorded in `payment_notices` in the same transaction that acts on it, so one
delivered again (WeChat Pay repeats until it gets a 2xx) finds its id and changes nothing; and
what it would do is idempotent by itself as well (the order's conditional status moves), so two
different notices of one payment, or a notice racing a query, still deliver once.
"""

from __future__ import annotations

from datetime import datetime

from domain.governance.audit import SYSTEM, record
from domain.market import delivery, money
from domain.market.payments import PaymentNotice, RefundNotice
from domain.persistence.uow import UnitOfWork


async def paid(uow: UnitOfWork, notice: PaymentNotice, now: datetime) -> str:
    """Act on a payment notice; returns what it did (`duplicate` if seen before)."""
    if not await uow.market.take_notice(notice.event_id, "paid", notice.order_no, "taken", now):
        return "duplicate"
    try:
        outcome = await delivery.settle(
            uow,
            notice.order_no,
            transaction_id=notice.transaction_id,
            amount_fen=notice.amount_fen,
            paid_at=notice.paid_at,
            now=now,
        )
    except delivery.UnknownOrder:
        outcome = "unknown_order"
    await uow.market.set_notice_outcome(notice.event_id, outcome)
    return outcome


async def refunded(uow: UnitOfWork, notice: RefundNotice, now: datetime) -> str:
    """Act on a refund notice: a refund that succeeded takes the held money back out."""
    if not await uow.market.take_notice(notice.event_id, "refund", notice.order_no, "taken", now):
        return "duplicate"
    outcome = await finish_refund(uow, notice.order_no, notice.state, now)
    await uow.market.set_notice_outcome(notice.event_id, outcome)
    return outcome


async def finish_refund(uow: UnitOfWork, order_id: str, state: str, now: datetime) -> str:
    """A refund in progress ends: refunded (money postings) or back to paid_late."""
    order = await uow.market.fresh_order(order_id)
    if order is None:
        return "unknown_order"
    if state == "succeeded":
        if not await uow.market.move_order(order_id, ["refunding"], "refunded", refunded_at=now):
            return "already_settled"
        buyer_id = delivery.buyer_money_account(order)
        buyer = (await money.lock(uow, [buyer_id], now))[buyer_id]
        row = money.refund_row(
            buyer, amount_fen=order.paid_fen or order.amount_fen, order_id=order_id, now=now
        )
        await money.write(uow, [row], [buyer])
        record(uow, SYSTEM, "market.refunded", "market_order", order_id, None, None, now)
        return "refunded"
    if state == "failed" and await uow.market.move_order(order_id, ["refunding"], "paid_late"):
        record(uow, SYSTEM, "market.refund_failed", "market_order", order_id, None, None, now)
        return "refund_failed"
    return "already_settled"
