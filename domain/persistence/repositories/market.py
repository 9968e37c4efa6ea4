"""The market's records: reference prices (listings and orders come next)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.persistence.tables import ReferencePrice


class MarketRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add_price(self, price: ReferencePrice) -> None:
        self.session.add(price)

    async def latest_price(self) -> ReferencePrice | None:
        stmt = (
            select(ReferencePrice)
            .order_by(ReferencePrice.created_at.desc(), ReferencePrice.id.desc())
            .limit(1)
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()
