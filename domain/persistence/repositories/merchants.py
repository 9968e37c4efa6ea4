from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.persistence.tables import Merchant


class MerchantRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, merchant_id: str) -> Merchant | None:
        return await self.session.get(Merchant, merchant_id)

    async def list(self, *, after: str | None, limit: int) -> list[Merchant]:
        stmt = select(Merchant).order_by(Merchant.id).limit(limit)
        if after:
            stmt = stmt.where(Merchant.id > after)
        return list((await self.session.execute(stmt)).scalars())

    def add(self, merchant: Merchant) -> None:
        self.session.add(merchant)
