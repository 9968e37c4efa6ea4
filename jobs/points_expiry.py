"""Points past their lot's expiry leave the citizens' accounts."""

from __future__ import annotations

from datetime import datetime

from domain.persistence.uow import Database
from domain.points.expire_lots import expire_lots


async def run(db: Database, now: datetime, *, batch: int = 500) -> int:
    async with db.unit_of_work() as uow:
        return await expire_lots(uow, now, batch=batch)
