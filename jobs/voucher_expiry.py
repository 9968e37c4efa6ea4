"""Vouchers past their date unredeemed expire, and their points come back."""

from __future__ import annotations

from datetime import datetime

from domain.persistence.uow import Database
from domain.vouchers.purchase import expire_due


async def run(db: Database, now: datetime, *, batch: int = 200) -> int:
    async with db.unit_of_work() as uow:
        return await expire_due(uow, now, batch=batch)
