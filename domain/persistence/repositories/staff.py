from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.persistence.tables import Staff


class StaffRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, staff_id: str) -> Staff | None:
        return await self.session.get(Staff, staff_id)

    async def by_username(self, username: str) -> Staff | None:
        stmt = select(Staff).where(Staff.username == username)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def list(self, *, after: str | None, limit: int) -> list[Staff]:
        stmt = select(Staff).order_by(Staff.id).limit(limit)
        if after:
            stmt = stmt.where(Staff.id > after)
        return list((await self.session.execute(stmt)).scalars())

    def add(self, staff: Staff) -> None:
        self.session.add(staff)
