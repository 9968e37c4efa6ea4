from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.persistence.tables import Merchant, Store


class MerchantRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, merchant_id: str) -> Merchant | None:
        return await self.session.get(Merchant, merchant_id)

    async def list(
        self, *, after: str | None, limit: int, status: str | None = None
    ) -> list[Merchant]:
        stmt = select(Merchant).order_by(Merchant.id).limit(limit)
        if after:
            stmt = stmt.where(Merchant.id > after)
        if status:
            stmt = stmt.where(Merchant.status == status)
        return list((await self.session.execute(stmt)).scalars())

    async def by_name(self, name: str) -> Merchant | None:
        stmt = select(Merchant).where(Merchant.name == name)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    def add(self, merchant: Merchant) -> None:
        self.session.add(merchant)

    def add_store(self, store: Store) -> None:
        self.session.add(store)

    async def store(self, store_id: str) -> Store | None:
        return await self.session.get(Store, store_id)

    async def stores(self, merchant_id: str) -> list[Store]:
        stmt = select(Store).where(Store.merchant_id == merchant_id).order_by(Store.id)
        return list((await self.session.execute(stmt)).scalars())
