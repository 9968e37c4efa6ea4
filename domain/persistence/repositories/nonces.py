from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from domain.persistence.dialect import insert_one
from domain.persistence.tables import OperatorNonce

NONCES = OperatorNonce.__table__


class NonceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def claim(self, key_id: str, nonce: str, expires_at: datetime) -> bool:
        """INSERT ... ON CONFLICT DO NOTHING: True for the one transaction that stored it (on
        PostgreSQL a concurrent claim of the same nonce waits for that transaction to end)."""
        row = {"key_id": key_id, "nonce": nonce, "expires_at": expires_at}
        return await insert_one(self.session, NONCES, row, conflict_on=["key_id", "nonce"])

    async def prune(self, before: datetime) -> int:
        """Delete the nonces that expired before `before`; returns how many."""
        stmt = delete(OperatorNonce).where(OperatorNonce.expires_at < before)
        result = await self.session.execute(stmt)
        return int(result.rowcount or 0)
