"""Raw taps waiting for their pair are kept per account between batches (domain/trips/ingest.py)
and given up when a later batch of that account finds them too old. Taps of accounts that never
come back would stay forever: this lapses every waiting tap made more than KEEP ago, well past the
4 hours within which a tap can still pair, so the table holds only what may still pair."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.persistence.uow import UnitOfWork

KEEP = timedelta(hours=48)


async def lapse_held_taps(uow: UnitOfWork, now: datetime) -> int:
    """Forget waiting taps older than KEEP (once across processes: a database job lock)."""
    if not await uow.jobs.try_lock("lapse-held-taps"):
        return 0
    return await uow.trips.drop_open_taps_before(now - KEEP)
