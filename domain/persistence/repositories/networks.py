from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.persistence.tables import OperatorNetwork


class NetworkRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def revision(self, operator_id: str) -> int | None:
        stmt = select(OperatorNetwork.revision).where(OperatorNetwork.operator_id == operator_id)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def get(self, operator_id: str) -> OperatorNetwork | None:
        return await self.session.get(OperatorNetwork, operator_id)

    def add(self, network: OperatorNetwork) -> None:
        self.session.add(network)
