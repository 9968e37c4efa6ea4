from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.persistence.tables import AuditEntry


class AuditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, entry: AuditEntry) -> None:
        self.session.add(entry)

    async def list(
        self, *, before: str | None, limit: int, target_id: str | None = None
    ) -> list[AuditEntry]:
        """Newest first; `before` is the last id of the previous page."""
        stmt = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
        if before:
            stmt = stmt.where(AuditEntry.id < before)
        if target_id:
            stmt = stmt.where(AuditEntry.target_id == target_id)
        return list((await self.session.execute(stmt)).scalars())
