"""Notice versions: by notice, and every published one."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.persistence.tables import NoticeVersion


class NoticeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, version: NoticeVersion) -> None:
        self.session.add(version)

    async def versions(self, notice_id: str, *, for_update: bool = False) -> list[NoticeVersion]:
        stmt = (
            select(NoticeVersion)
            .where(NoticeVersion.notice_id == notice_id)
            .order_by(NoticeVersion.version)
        )
        if for_update:
            stmt = stmt.with_for_update()
        return list((await self.session.execute(stmt)).scalars())

    async def all(self, *, status: str | None = None) -> list[NoticeVersion]:
        stmt = select(NoticeVersion).order_by(NoticeVersion.notice_id, NoticeVersion.version)
        if status is not None:
            stmt = stmt.where(NoticeVersion.status == status)
        return list((await self.session.execute(stmt)).scalars())

    async def get(self, version_id: str) -> NoticeVersion | None:
        return await self.session.get(NoticeVersion, version_id)
