"""GET /v1/public/market: the reference price, each Shanghai day's trading (delivered orders and
the trading centre's settled deals) and the fund pool, for everyone."""

from __future__ import annotations

from datetime import date, datetime

import msgspec
from litestar import Controller, get
from litestar.params import Parameter

from api.market.prices import ReferencePriceOut
from api.shared.fund_pool import FundPoolOut, fund_pool_out
from domain.market import statistics
from domain.persistence.uow import UnitOfWork


class MarketDayOut(msgspec.Struct):
    day: date  # Asia/Shanghai
    volume_t: int  # tonnes traded
    trades: int
    average_fen_per_t: int | None  # volume-weighted, rounded down; null on a day without trades
    high_fen_per_t: int | None
    low_fen_per_t: int | None


class PublicMarketOut(msgspec.Struct):
    reference_price: ReferencePriceOut | None
    days: list[MarketDayOut]  # oldest first; the last is today
    fund_pool: FundPoolOut


class PublicMarketController(Controller):
    path = "/v1/public/market"
    tags = ["public", "market"]

    @get("/", summary="Daily volume and prices of the market, and the fund pool's in and out")
    async def market(
        self,
        uow: UnitOfWork,
        now: datetime,
        days: int = Parameter(
            default=statistics.DEFAULT_DAYS,
            ge=1,
            le=statistics.MAX_DAYS,
            description="how many Shanghai days, ending today",
        ),
    ) -> PublicMarketOut:
        view = await statistics.market_view(uow, days=days, now=now)
        price = view.reference_price
        return PublicMarketOut(
            reference_price=None
            if price is None
            else ReferencePriceOut(
                price.price_fen_per_t, price.as_of, price.source, price.created_at
            ),
            days=[MarketDayOut(**msgspec.structs.asdict(d)) for d in view.days],
            fund_pool=fund_pool_out(view.fund_pool),
        )


CONTROLLERS: list[type] = [PublicMarketController]
