"""The public market's days: orders and exchange deals merged per Shanghai day, the average
weighted by volume and rounded down, days without trades empty (pure, no database)."""

from __future__ import annotations

from datetime import date

from domain.market.statistics import MarketDay, merge_days

SPAN = [date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 2)]


def test_sources_merge_per_day_with_a_volume_weighted_average() -> None:
    orders = [(1, 3, 1, 30_000, 10_000, 10_000)]
    deals = [(1, 1, 1, 9_001, 9_001, 9_001), (2, 2, 2, 20_001, 10_001, 10_000)]
    days = merge_days(SPAN, orders, deals)
    assert days == [
        MarketDay(SPAN[0], 0, 0, None, None, None),
        MarketDay(SPAN[1], 4, 2, 39_001 // 4, 10_000, 9_001),  # 9,750.25 -> 9,750
        MarketDay(SPAN[2], 2, 2, 10_000, 10_001, 10_000),  # 10,000.5 -> 10,000
    ]


def test_no_trades_no_prices() -> None:
    assert [d.average_fen_per_t for d in merge_days(SPAN)] == [None, None, None]
