"""Pending trips of accounts never linked in time become rejected `unbound`."""

from __future__ import annotations

from datetime import datetime

from domain.persistence.uow import Database
from domain.trips.pending import lapse_pending


async def run(db: Database, now: datetime) -> int:
    async with db.unit_of_work() as uow:
        return await lapse_pending(uow, now)
