"""APScheduler jobs of a running service. Each job coordinates across replicas in the database."""

from __future__ import annotations

import logging

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from api.feeds_pull import pull_due
from api.services import Services
from domain import housekeeping
from domain.clock import SHANGHAI, utcnow
from domain.points.lapse import expire_points
from domain.vouchers.purchase import expire_due

log = logging.getLogger("puhui.jobs")


def build_scheduler(services: Services) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone=SHANGHAI)

    async def checkpoint() -> None:
        row = await housekeeping.publish_checkpoint(services.db, utcnow())
        if row is not None:
            log.info("checkpoint published", extra={"day": str(row.day), "root": row.merkle_root})

    async def lapse() -> None:
        n = await housekeeping.lapse_pending(services.db, utcnow())
        if n:
            log.info("pending trips lapsed", extra={"trips": n})

    async def mds_pull() -> None:
        outcome = await pull_due(services, utcnow())
        if outcome:
            log.info("mds pulls", extra={"pulls": outcome})

    async def points_expiry() -> None:
        n = await expire_points(services.db, utcnow())
        if n:
            log.info("points expired", extra={"lots": n})

    async def voucher_expiry() -> None:
        n = await expire_due(services.db, utcnow())
        if n:
            log.info("vouchers expired and refunded", extra={"vouchers": n})

    opts = {"max_instances": 1, "coalesce": True, "misfire_grace_time": 3600}
    scheduler.add_job(
        checkpoint, CronTrigger(hour=0, minute=10, timezone=SHANGHAI), id="checkpoint", **opts
    )
    scheduler.add_job(lapse, CronTrigger(minute=5, timezone=SHANGHAI), id="lapse-pending", **opts)
    scheduler.add_job(mds_pull, CronTrigger(minute=15, timezone=SHANGHAI), id="mds-pull", **opts)
    scheduler.add_job(
        points_expiry, CronTrigger(hour=0, minute=20, timezone=SHANGHAI), id="points-expiry", **opts
    )
    scheduler.add_job(
        voucher_expiry, CronTrigger(minute=25, timezone=SHANGHAI), id="voucher-expiry", **opts
    )
    return scheduler
