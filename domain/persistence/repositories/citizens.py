from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.persistence.bulk import as_utc, lookup
from domain.persistence.tables import Citizen


class CitizenRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, citizen_id: str) -> Citizen | None:
        return await self.session.get(Citizen, citizen_id)

    async def get_for_update(self, citizen_id: str) -> Citizen | None:
        stmt = select(Citizen).where(Citizen.id == citizen_id).with_for_update()
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def by_openid_hash(self, openid_hash: str) -> Citizen | None:
        stmt = select(Citizen).where(Citizen.openid_hash == openid_hash)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def consents(self, citizen_ids: list[str]) -> dict[str, datetime | None]:
        """consent_given_at of active citizens, by id."""
        rows = await lookup(
            self.session,
            Citizen.__table__,
            ["id", "consent_given_at"],
            key="id",
            values=sorted(set(citizen_ids)),
            where="t.status = 'active'",
        )
        return {cid: as_utc(at) for cid, at in rows}

    async def count_active(self) -> int:
        stmt = select(func.count()).select_from(Citizen).where(Citizen.status == "active")
        return int((await self.session.execute(stmt)).scalar_one())

    def add(self, citizen: Citizen) -> None:
        self.session.add(citizen)
