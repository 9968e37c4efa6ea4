"""Orders unpaid by their expiry are closed at the payment service and their tonnes released.

For each expired pending order (a job's batch, under the job lock): ask the payment service
first; paid -> settle it (domain/market/delivery.py); otherwise close it there, then here (one
conditional move pending -> closed, and only then the listing's reserved tonnes back to
available). Closed there, it can never be paid, so releasing is safe. If the service says the
order was paid meanwhile (it refuses the close), the order is settled instead. One commit per
order, so an outage of the service leaves the rest for the next run.
"""

from __future__ import annotations

from datetime import datetime

from domain.errors import UpstreamUnavailable
from domain.market import delivery
from domain.market.payments import PaymentGateway, PaymentRefused
from domain.persistence.uow import UnitOfWork

LOCK = "market-close-orders"


async def close_expired(
    uow: UnitOfWork, gateway: PaymentGateway, now: datetime, *, batch: int = 100
) -> dict[str, int]:
    counts = {"closed": 0, "settled": 0, "skipped": 0}
    if not await uow.jobs.try_lock(LOCK):
        return counts
    due = await uow.market.expired_pending(now, limit=batch)
    await uow.commit_stage()
    for order_id in due:
        if not await uow.jobs.try_lock(LOCK):  # the lock lasts a transaction: taken per order
            break
        outcome = await close_one(uow, gateway, order_id, now)
        counts[outcome] += 1
        await uow.commit_stage()
    return counts


async def close_one(uow: UnitOfWork, gateway: PaymentGateway, order_id: str, now: datetime) -> str:
    try:
        status = await gateway.status(order_id)
        if status.state == "paid":
            await delivery.settle_status(uow, status, now)
            return "settled"
        try:
            await gateway.close(order_id)
        except PaymentRefused:
            status = await gateway.status(order_id)
            if status.state == "paid":
                await delivery.settle_status(uow, status, now)
                return "settled"
            raise
    except (UpstreamUnavailable, PaymentRefused):
        return "skipped"
    order = await uow.market.fresh_order(order_id)
    if order is not None and await uow.market.move_order(
        order_id, ["pending"], "closed", closed_at=now
    ):
        await uow.market.release(order.listing_id, order.quantity)
        return "closed"
    return "skipped"
