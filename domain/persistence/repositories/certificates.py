"""What certificates read and write: their signing keys, a retirement and its projects' titles."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.persistence.dialect import insert_one
from domain.persistence.tables.certificates import CertificateKey
from domain.persistence.tables.projects import Project
from domain.persistence.tables.registry import Retirement


class CertificateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def signing_keys(self) -> list[CertificateKey]:
        """Every key, oldest first (none is ever removed)."""
        stmt = select(CertificateKey).order_by(CertificateKey.created_at, CertificateKey.key_id)
        return list((await self.session.execute(stmt)).scalars())

    async def active_signing_key(self) -> CertificateKey | None:
        stmt = select(CertificateKey).where(CertificateKey.active_slot == "A")
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def add_signing_key(self, row: dict[str, Any]) -> bool:
        """Insert a key; False if it would be a second active key (another process won)."""
        return await insert_one(
            self.session, CertificateKey.__table__, row, conflict_on=["active_slot"]
        )

    async def deactivate_signing_key(self) -> None:
        await self.session.execute(
            update(CertificateKey)
            .where(CertificateKey.active_slot == "A")
            .values(active_slot=None)
            .execution_options(synchronize_session=False)
        )

    async def retirement(self, retirement_id: str) -> Retirement | None:
        return await self.session.get(Retirement, retirement_id)

    async def project_titles(self, codes: list[str]) -> dict[str, str]:
        """Public code -> title of the registered projects among `codes`."""
        if not codes:
            return {}
        stmt = select(Project.code, Project.title).where(Project.code.in_(codes))
        return {code: title for code, title in (await self.session.execute(stmt)).all()}
