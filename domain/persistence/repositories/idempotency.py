from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.persistence.dialect import insert_one
from domain.persistence.tables import IdempotencyRecord

RECORDS = IdempotencyRecord.__table__


class IdempotencyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def claim(self, owner: str, key: str, request_hash: str, now: datetime) -> bool:
        """Insert the key; False if it exists (after waiting for a concurrent holder to end)."""
        row = {
            "owner": owner,
            "key": key,
            "request_hash": request_hash,
            "status_code": None,
            "response": None,
            "created_at": now,
        }
        return await insert_one(self.session, RECORDS, row, conflict_on=["owner", "key"])

    async def get(self, owner: str, key: str) -> IdempotencyRecord | None:
        stmt = select(IdempotencyRecord).where(
            IdempotencyRecord.owner == owner, IdempotencyRecord.key == key
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def answer(self, owner: str, key: str, status_code: int, response: Any) -> None:
        await self.session.execute(
            update(IdempotencyRecord)
            .where(IdempotencyRecord.owner == owner, IdempotencyRecord.key == key)
            .values(status_code=status_code, response=response)
        )

    async def delete_of_owner(self, owner: str) -> None:
        """Every stored answer of one caller (they hold what the caller was sent)."""
        await self.session.execute(
            delete(IdempotencyRecord).where(IdempotencyRecord.owner == owner)
        )
