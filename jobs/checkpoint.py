"""Close a day: publish the ledger checkpoint (Merkle root over account heads, the day's totals)."""

from __future__ import annotations

from datetime import date, datetime

from domain.ledger.checkpoints import publish_day
from domain.persistence.tables import Checkpoint
from domain.persistence.uow import Database


async def run(db: Database, now: datetime, day: date | None = None) -> Checkpoint | None:
    async with db.unit_of_work() as uow:
        return await publish_day(uow, now, day)
