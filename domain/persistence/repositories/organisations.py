"""Organisations, their applications and members (staff with org_id)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession


class OrganisationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
