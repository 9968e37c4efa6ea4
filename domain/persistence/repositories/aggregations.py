"""Aggregations of citizens' credited Class I grams."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession


class AggregationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
