"""Notice versions: by notice, every one, and the latest published version of each (paged)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, func, or_, select
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

    async def latest_published(
        self, *, kind: str | None = None, after: tuple[date, str] | None = None, limit: int
    ) -> list[NoticeVersion]:
        """The newest published version of each notice, newest effective date first (then by
        notice_id, descending); `after`: the (effective_from, notice_id) of the last row seen."""
        newest = (
            select(NoticeVersion.notice_id, func.max(NoticeVersion.version).label("version"))
            .where(NoticeVersion.status == "published")
            .group_by(NoticeVersion.notice_id)
            .subquery()
        )
        stmt = (
            select(NoticeVersion)
            .join(
                newest,
                and_(
                    NoticeVersion.notice_id == newest.c.notice_id,
                    NoticeVersion.version == newest.c.version,
                ),
            )
            .order_by(NoticeVersion.effective_from.desc(), NoticeVersion.notice_id.desc())
            .limit(limit)
        )
        if kind is not None:
            stmt = stmt.where(NoticeVersion.kind == kind)
        if after is not None:
            day, notice_id = after
            stmt = stmt.where(
                or_(
                    NoticeVersion.effective_from < day,
                    and_(NoticeVersion.effective_from == day, NoticeVersion.notice_id < notice_id),
                )
            )
        return list((await self.session.execute(stmt)).scalars())
