from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

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
        if not citizen_ids:
            return {}
        stmt = select(Citizen.id, Citizen.consent_given_at).where(
            Citizen.id.in_(citizen_ids), Citizen.status == "active"
        )
        return {cid: at for cid, at in await self.session.execute(stmt)}

    def add(self, citizen: Citizen) -> None:
        self.session.add(citizen)
