"""Trades summed per day bucket: shared by the market's orders and the exchange's deals."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession


async def day_totals(
    session: AsyncSession, inner: Any
) -> list[tuple[int, int, int, int, int, int]]:
    """(bucket, tonnes, trades, amount in fen, highest and lowest price per tonne) per bucket of
    `inner`, a subquery with columns bucket, quantity, amount and price."""
    stmt = select(
        inner.c.bucket,
        func.sum(inner.c.quantity),
        func.count(),
        func.sum(inner.c.amount),
        func.max(inner.c.price),
        func.min(inner.c.price),
    ).group_by(inner.c.bucket)
    return [
        (int(b), int(q), int(n), int(a), int(hi), int(lo))
        for b, q, n, a, hi, lo in await session.execute(stmt)
    ]
