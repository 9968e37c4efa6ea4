"""Deals the trading centre settled here: the claim of a deal id, its completion, and the days'
totals the public market view counts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import case, literal_column, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.persistence.dialect import insert_one
from domain.persistence.repositories.buckets import day_totals
from domain.persistence.tables import ExchangeDeal

DEALS = ExchangeDeal.__table__


class ExchangeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def claim(self, row: dict[str, Any]) -> bool:
        """Insert the deal unless the centre sent its id before (then False; on PostgreSQL a
        concurrent insert of the same deal waits for the other transaction to end)."""
        return await insert_one(self.session, DEALS, row, conflict_on=["exchange_id", "deal_id"])

    async def deal(self, exchange_id: str, deal_id: str) -> ExchangeDeal | None:
        """The deal as stored now (not as this session last saw it)."""
        stmt = (
            select(ExchangeDeal)
            .where(ExchangeDeal.exchange_id == exchange_id, ExchangeDeal.deal_id == deal_id)
            .execution_options(populate_existing=True)
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def complete(
        self, settlement_id: str, movement_id: str, serial_ranges: list[str]
    ) -> None:
        """Name the registry transfer that settled the deal."""
        stmt = (
            update(ExchangeDeal)
            .where(ExchangeDeal.id == settlement_id)
            .values(movement_id=movement_id, serial_ranges=serial_ranges)
            .execution_options(synchronize_session=False)
        )
        await self.session.execute(stmt)

    async def totals_by_bucket(
        self, bounds: Sequence[datetime]
    ) -> list[tuple[int, int, int, int, int, int]]:
        """(bucket, tonnes, deals, fen, highest and lowest price per tonne) of the deals dealt
        in each bucket; bucket i is [bounds[i], bounds[i + 1])."""
        bucket = case(
            *[
                (ExchangeDeal.dealt_at < hi, literal_column(str(i)))
                for i, hi in enumerate(bounds[1:])
            ],
        ).label("bucket")
        inner = (
            select(
                bucket,
                ExchangeDeal.quantity.label("quantity"),
                ExchangeDeal.amount_fen.label("amount"),
                ExchangeDeal.price_fen_per_t.label("price"),
            )
            .where(ExchangeDeal.dealt_at >= bounds[0], ExchangeDeal.dealt_at < bounds[-1])
            .subquery()
        )
        return await day_totals(self.session, inner)
