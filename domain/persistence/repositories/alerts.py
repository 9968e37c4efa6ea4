"""Supervision alerts: raised once per dedupe key, listed by status and kind, counted."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.persistence.dialect import insert_one
from domain.persistence.tables import Alert


class AlertRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def insert_once(self, row: dict[str, Any]) -> Alert | None:
        """Insert the alert unless one with its dedupe key exists: the new row, or None."""
        if not await insert_one(self.session, Alert.__table__, row, conflict_on=["dedupe_key"]):
            return None
        return await self.session.get(Alert, row["id"])

    async def get(self, alert_id: str, *, for_update: bool = False) -> Alert | None:
        return await self.session.get(Alert, alert_id, with_for_update=for_update)

    async def list(
        self,
        *,
        status: str | None,
        kind: str | None,
        before: str | None,
        limit: int,
    ) -> list[Alert]:
        """Newest first (ids grow with time); `before` is the last id of the previous page."""
        stmt = select(Alert).order_by(Alert.id.desc()).limit(limit)
        if status is not None:
            stmt = stmt.where(Alert.status == status)
        if kind is not None:
            stmt = stmt.where(Alert.kind == kind)
        if before is not None:
            stmt = stmt.where(Alert.id < before)
        return list((await self.session.execute(stmt)).scalars())

    async def count_open(self) -> int:
        """Alerts nobody has resolved yet (open or acknowledged)."""
        stmt = select(func.count()).where(Alert.status.in_(("open", "acknowledged")))
        return int((await self.session.execute(stmt)).scalar_one())
