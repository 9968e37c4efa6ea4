from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.persistence.tables import Merchant, Offer


class OfferRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, offer: Offer) -> None:
        self.session.add(offer)

    async def get(self, offer_id: str) -> Offer | None:
        return await self.session.get(Offer, offer_id)

    async def live(self, now: datetime, *, after: str | None, limit: int) -> list[Offer]:
        stmt = (
            select(Offer)
            .join(Merchant, Merchant.id == Offer.merchant_id)
            .where(
                Offer.status == "approved",
                Offer.valid_from <= now,
                Offer.valid_until > now,
                Merchant.status == "approved",  # a suspended merchant's offers are off sale
            )
            .order_by(Offer.id)
            .limit(limit)
        )
        if after:
            stmt = stmt.where(Offer.id > after)
        return list((await self.session.execute(stmt)).scalars())

    async def list(
        self,
        *,
        after: str | None,
        limit: int,
        status: str | None = None,
        merchant_id: str | None = None,
    ) -> list[Offer]:
        stmt = select(Offer).order_by(Offer.id).limit(limit)
        if after:
            stmt = stmt.where(Offer.id > after)
        if status:
            stmt = stmt.where(Offer.status == status)
        if merchant_id:
            stmt = stmt.where(Offer.merchant_id == merchant_id)
        return list((await self.session.execute(stmt)).scalars())

    async def take_one(self, offer_id: str) -> int | None:
        """Take one unit of stock if any is left: the stock left after, or None if none was."""
        stmt = (
            update(Offer)
            .where(Offer.id == offer_id, Offer.stock_left > 0)
            .values(stock_left=Offer.stock_left - 1)
            .returning(Offer.stock_left)
            .execution_options(synchronize_session=False)
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def put_back_one(self, offer_id: str) -> None:
        await self.session.execute(
            update(Offer)
            .where(Offer.id == offer_id, Offer.stock_left < Offer.stock_total)
            .values(stock_left=Offer.stock_left + 1)
            .execution_options(synchronize_session=False)
        )
