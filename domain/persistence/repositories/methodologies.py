from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.persistence.tables import MethodologyVersion


class MethodologyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, version: MethodologyVersion) -> None:
        self.session.add(version)

    async def get(self, version_id: str) -> MethodologyVersion | None:
        return await self.session.get(MethodologyVersion, version_id)

    async def versions(self, code: str, *, for_update: bool = False) -> list[MethodologyVersion]:
        stmt = (
            select(MethodologyVersion)
            .where(MethodologyVersion.code == code)
            .order_by(MethodologyVersion.version)
        )
        if for_update:
            stmt = stmt.with_for_update()
        return list((await self.session.execute(stmt)).scalars())

    async def all(self, *, statuses: tuple[str, ...] | None = None) -> list[MethodologyVersion]:
        stmt = select(MethodologyVersion).order_by(
            MethodologyVersion.code, MethodologyVersion.version
        )
        if statuses:
            stmt = stmt.where(MethodologyVersion.status.in_(statuses))
        return list((await self.session.execute(stmt)).scalars())
