"""APScheduler jobs of a running service. Each job coordinates across replicas in the database."""

from __future__ import annotations

import logging

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from domain.clock import SHANGHAI, utcnow
from domain.errors import DomainError
from domain.market.payments import PaymentGateway
from domain.persistence.uow import Database
from domain.supervision.thresholds import Thresholds
from domain.trips.ingest import Intake
from jobs import (
    checkpoint,
    close_orders,
    feed_pull,
    lapse_pending,
    lapse_taps,
    points_expiry,
    prune_nonces,
    reconcile_payments,
    supervision,
    voucher_expiry,
)

log = logging.getLogger("puhui.jobs")


def build_scheduler(
    db: Database,
    intake: Intake,
    payments: PaymentGateway | None = None,
    alerts: Thresholds | None = None,
) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone=SHANGHAI)

    async def close_day() -> None:
        row = await checkpoint.run(db, utcnow())
        if row is not None:
            log.info("checkpoint published", extra={"day": str(row.day), "root": row.merkle_root})

    async def lapse() -> None:
        if n := await lapse_pending.run(db, utcnow()):
            log.info("pending trips lapsed", extra={"trips": n})

    async def forget_taps() -> None:
        if n := await lapse_taps.run(db, utcnow()):
            log.info("waiting taps forgotten", extra={"taps": n})

    async def pull() -> None:
        if outcome := await feed_pull.run(db, intake, utcnow()):
            log.info("feed pulls", extra={"pulls": outcome})

    async def expire_points() -> None:
        if n := await points_expiry.run(db, utcnow()):
            log.info("points expired", extra={"lots": n})

    async def expire_vouchers() -> None:
        if n := await voucher_expiry.run(db, utcnow()):
            log.info("vouchers expired and refunded", extra={"vouchers": n})

    async def forget_nonces() -> None:
        if n := await prune_nonces.run(db, utcnow()):
            log.info("operator nonces pruned", extra={"nonces": n})

    async def close_unpaid() -> None:
        assert payments is not None
        counts = await close_orders.run(db, payments, utcnow())
        if any(counts.values()):
            log.info("unpaid market orders", extra=counts)

    async def reconcile() -> None:
        assert payments is not None
        try:
            run = await reconcile_payments.run(db, payments, utcnow())
        except DomainError as exc:  # WeChat Pay unavailable, its bill untrusted: next run
            log.warning("payments not reconciled", extra={"code": exc.code})
            return
        if run is not None:
            log.info(
                "payments reconciled",
                extra={"day": str(run.day), "matched": run.matched, "items": run.items},
            )

    async def supervise() -> None:
        raised = await supervision.run(db, utcnow(), alerts or Thresholds())
        if any(raised.values()):
            log.warning("supervision alerts raised", extra=raised)

    def daily(hour: int, minute: int) -> CronTrigger:
        return CronTrigger(hour=hour, minute=minute, timezone=SHANGHAI)

    def hourly(minute: int) -> CronTrigger:
        return CronTrigger(minute=minute, timezone=SHANGHAI)

    opts = {"max_instances": 1, "coalesce": True, "misfire_grace_time": 3600}
    scheduler.add_job(close_day, daily(0, 10), id="checkpoint", **opts)
    scheduler.add_job(lapse, hourly(5), id="lapse-pending", **opts)
    scheduler.add_job(forget_taps, hourly(35), id="lapse-taps", **opts)
    scheduler.add_job(pull, hourly(15), id="feed-pull", **opts)
    scheduler.add_job(expire_points, daily(0, 20), id="points-expiry", **opts)
    scheduler.add_job(expire_vouchers, hourly(25), id="voucher-expiry", **opts)
    every_ten = CronTrigger(minute="*/10", timezone=SHANGHAI)
    scheduler.add_job(forget_nonces, every_ten, id="prune-nonces", **opts)
    every_five = CronTrigger(minute="*/5", timezone=SHANGHAI)
    scheduler.add_job(supervise, every_five, id="supervision", **opts)
    if payments is not None:
        every_minute = CronTrigger(minute="*", timezone=SHANGHAI)
        scheduler.add_job(close_unpaid, every_minute, id="close-orders", **opts)
        scheduler.add_job(reconcile, daily(10, 30), id="reconcile-payments", **opts)
    return scheduler
