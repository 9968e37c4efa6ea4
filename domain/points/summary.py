"""What a citizen sees of their points and reductions."""

from __future__ import annotations

from datetime import datetime, timedelta

import msgspec

from domain.clock import shanghai_date
from domain.ledger.accounts import citizen_account_id
from domain.persistence.uow import UnitOfWork

EXPIRING_AHEAD = timedelta(days=30)


class Lot(msgspec.Struct, frozen=True):
    points: int
    expires_at: datetime


class PointsSummary(msgspec.Struct, frozen=True):
    balance: int
    lots: list[Lot]
    expiring: list[Lot]
    total_g: int
    today_g: int
    bindings_count: int


async def summary(uow: UnitOfWork, citizen_id: str, now: datetime) -> PointsSummary:
    account_id = citizen_account_id(citizen_id)
    account = await uow.ledger.account(account_id)
    lots = [
        Lot(points=lot.remaining, expires_at=lot.expires_at)
        for lot in await uow.ledger.lots(account_id)
    ]
    today = await uow.ledger.day(citizen_id, shanghai_date(now))
    return PointsSummary(
        balance=account.balance if account else 0,
        lots=lots,
        expiring=[lot for lot in lots if lot.expires_at <= now + EXPIRING_AHEAD],
        total_g=account.reduction_g_total if account else 0,
        today_g=today.reduction_g if today else 0,
        bindings_count=await uow.bindings.count_of_citizen(citizen_id),
    )
