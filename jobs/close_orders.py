"""Market orders unpaid by their expiry: closed at the payment service, their tonnes released."""

from __future__ import annotations

from datetime import datetime

from domain.market.closing import close_expired
from domain.market.payments import PaymentGateway
from domain.persistence.uow import Database


async def run(db: Database, payments: PaymentGateway, now: datetime) -> dict[str, int]:
    async with db.unit_of_work() as uow:
        return await close_expired(uow, payments, now)
