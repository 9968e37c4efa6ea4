from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.persistence.tables import Operator, OperatorKey


class OperatorRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, operator_id: str) -> Operator | None:
        return await self.session.get(Operator, operator_id)

    async def list(self, *, after: str | None, limit: int) -> list[Operator]:
        stmt = select(Operator).order_by(Operator.id).limit(limit)
        if after:
            stmt = stmt.where(Operator.id > after)
        return list((await self.session.execute(stmt)).scalars())

    async def by_name(self, name: str) -> Operator | None:
        stmt = select(Operator).where(Operator.name == name)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def key(self, key_id: str) -> OperatorKey | None:
        return await self.session.get(OperatorKey, key_id)

    async def active_keys(self, operator_id: str) -> list[OperatorKey]:
        stmt = (
            select(OperatorKey)
            .where(OperatorKey.operator_id == operator_id, OperatorKey.revoked_at.is_(None))
            .order_by(OperatorKey.created_at)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def all_keys(self, operator_id: str) -> list[OperatorKey]:
        stmt = (
            select(OperatorKey)
            .where(OperatorKey.operator_id == operator_id)
            .order_by(OperatorKey.created_at)
        )
        return list((await self.session.execute(stmt)).scalars())

    def add(self, obj: Operator | OperatorKey) -> None:
        self.session.add(obj)
