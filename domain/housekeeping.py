"""Periodic work: close a day with a ledger checkpoint, let unlinked trips lapse."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from domain.clock import shanghai_date
from domain.ledger import checkpoints
from domain.persistence.locks import try_job_lock
from domain.persistence.tables import Checkpoint
from domain.persistence.uow import Database
from domain.trips.pending import DEFAULT_PENDING_DAYS


async def publish_checkpoint(
    db: Database, now: datetime, day: date | None = None
) -> Checkpoint | None:
    """Checkpoint `day` (default: yesterday in Shanghai). Once per day across replicas."""
    day = day or shanghai_date(now) - timedelta(days=1)
    async with db.unit_of_work() as uow:
        if not await try_job_lock(uow, f"checkpoint:{day.isoformat()}"):
            return None
        return await checkpoints.publish(uow, day, now)


async def lapse_pending(db: Database, now: datetime) -> int:
    """Pending trips whose linking window has passed become rejected `unbound`."""
    async with db.unit_of_work() as uow:
        if not await try_job_lock(uow, "lapse-pending"):
            return 0
        return await uow.trips.expire_pending(now - timedelta(days=DEFAULT_PENDING_DAYS), now)
