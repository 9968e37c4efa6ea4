"""The daily reconciliation of our payments against WeChat Pay's trade bill of a Beijing day
(by default yesterday's: WeChat Pay publishes a day's bill after 10:00 the next morning)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from domain.clock import shanghai_date
from domain.market.payments import PaymentGateway
from domain.market.reconciliation import reconcile
from domain.persistence.tables import ReconciliationRun
from domain.persistence.uow import Database


def yesterday(now: datetime) -> date:
    return shanghai_date(now) - timedelta(days=1)


async def run(
    db: Database,
    payments: PaymentGateway,
    now: datetime,
    day: date | None = None,
    *,
    by: str = "system",
) -> ReconciliationRun | None:
    async with db.unit_of_work() as uow:
        return await reconcile(uow, payments, day or yesterday(now), now, by=by)
