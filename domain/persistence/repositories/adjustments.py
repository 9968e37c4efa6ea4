from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.persistence.tables import Adjustment


class AdjustmentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, adjustment: Adjustment) -> None:
        self.session.add(adjustment)

    async def get(self, adjustment_id: str, *, for_update: bool = False) -> Adjustment | None:
        stmt = select(Adjustment).where(Adjustment.id == adjustment_id)
        if for_update:
            stmt = stmt.with_for_update()
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def list(self, *, status: str | None, after: str | None, limit: int) -> list[Adjustment]:
        stmt = select(Adjustment).order_by(Adjustment.id).limit(limit)
        if status:
            stmt = stmt.where(Adjustment.status == status)
        if after:
            stmt = stmt.where(Adjustment.id > after)
        return list((await self.session.execute(stmt)).scalars())
