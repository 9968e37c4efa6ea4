"""Operator nonces whose requests can no longer pass the timestamp window are deleted."""

from __future__ import annotations

from datetime import datetime

from domain.operators.nonces import prune
from domain.persistence.uow import Database


async def run(db: Database, now: datetime) -> int:
    async with db.unit_of_work() as uow:
        return await prune(uow, now)
