"""The public market view: the reference price, each Shanghai day's trading, and the fund pool.

A day counts the orders delivered that day (by when they were paid) and the deals the trading
centre settled (by when they were struck): tonnes, trades, the volume-weighted average price
(total fen / total tonnes, rounded down: integers only), the highest and lowest price per
tonne. Days without trades are listed with zeros and no prices. The fund pool's in and out are
its totals since it began, so balance = in - out.
"""

from __future__ import annotations

from datetime import date, datetime

import msgspec

from domain.clock import shanghai_date
from domain.errors import InvalidInput
from domain.governance.dashboard import day_bounds
from domain.market import fund_pool
from domain.persistence.tables import ReferencePrice
from domain.persistence.uow import UnitOfWork

DEFAULT_DAYS = 30
MAX_DAYS = 366


class MarketDay(msgspec.Struct, frozen=True):
    day: date  # Asia/Shanghai
    volume_t: int
    trades: int
    average_fen_per_t: int | None  # volume-weighted, rounded down; None without trades
    high_fen_per_t: int | None
    low_fen_per_t: int | None


class MarketView(msgspec.Struct, frozen=True):
    reference_price: ReferencePrice | None
    days: list[MarketDay]  # oldest first, the last one today
    fund_pool: fund_pool.PoolSummary


def _days(today: date, days: int) -> list[date]:
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput(f"days: 1 to {MAX_DAYS}", code="bad_days", field="days")
    return [date.fromordinal(today.toordinal() - n) for n in range(days - 1, -1, -1)]


def merge_days(
    span: list[date], *sources: list[tuple[int, int, int, int, int, int]]
) -> list[MarketDay]:
    """Each day's totals over the sources' (bucket, tonnes, trades, fen, high, low) rows."""
    totals: dict[int, list[int]] = {}
    for rows in sources:
        for bucket, tonnes, trades, fen, high, low in rows:
            t = totals.setdefault(bucket, [0, 0, 0, high, low])
            t[0] += tonnes
            t[1] += trades
            t[2] += fen
            t[3] = max(t[3], high)
            t[4] = min(t[4], low)
    out = []
    for i, day in enumerate(span):
        t = totals.get(i)
        if t is None or t[0] == 0:
            out.append(MarketDay(day, 0, 0, None, None, None))
        else:
            out.append(MarketDay(day, t[0], t[1], t[2] // t[0], t[3], t[4]))
    return out


async def market_view(uow: UnitOfWork, *, days: int, now: datetime) -> MarketView:
    span = _days(shanghai_date(now), days)
    bounds = day_bounds(span)
    orders = await uow.market.delivered_by_bucket(bounds)
    deals = await uow.exchange.totals_by_bucket(bounds)
    return MarketView(
        reference_price=await uow.market.latest_price(),
        days=merge_days(span, orders, deals),
        fund_pool=await fund_pool.summary(uow),
    )
