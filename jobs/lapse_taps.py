"""Waiting raw taps of accounts that never came back are forgotten after two days."""

from __future__ import annotations

from datetime import datetime

from domain.persistence.uow import Database
from domain.trips.held_taps import lapse_held_taps


async def run(db: Database, now: datetime) -> int:
    async with db.unit_of_work() as uow:
        return await lapse_held_taps(uow, now)
