from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.persistence.tables import Citizen, RefreshFamily, RefreshToken, Staff


class TokenRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, obj: RefreshFamily | RefreshToken) -> None:
        self.session.add(obj)

    async def token(self, token_hash: str) -> RefreshToken | None:
        return await self.session.get(RefreshToken, token_hash)

    async def family(self, family_id: str) -> RefreshFamily | None:
        return await self.session.get(RefreshFamily, family_id)

    async def spend(self, token_hash: str, now: datetime) -> bool:
        """Mark a token spent; True only for the one caller that spent it (a conditional update)."""
        stmt = (
            update(RefreshToken)
            .where(RefreshToken.token_hash == token_hash, RefreshToken.spent_at.is_(None))
            .values(spent_at=now)
        )
        result = await self.session.execute(stmt)
        return result.rowcount == 1

    async def revoke_family(self, family_id: str, now: datetime, reason: str) -> None:
        stmt = (
            update(RefreshFamily)
            .where(RefreshFamily.id == family_id, RefreshFamily.revoked_at.is_(None))
            .values(revoked_at=now, revoked_reason=reason)
        )
        await self.session.execute(stmt)

    async def revoke_subject(self, subject_type: str, subject_id: str, now: datetime) -> None:
        stmt = (
            update(RefreshFamily)
            .where(
                RefreshFamily.subject_type == subject_type,
                RefreshFamily.subject_id == subject_id,
                RefreshFamily.revoked_at.is_(None),
            )
            .values(revoked_at=now, revoked_reason="subject_revoked")
        )
        await self.session.execute(stmt)

    async def families_of(self, subject_type: str, subject_id: str) -> list[RefreshFamily]:
        stmt = select(RefreshFamily).where(
            RefreshFamily.subject_type == subject_type, RefreshFamily.subject_id == subject_id
        )
        return list((await self.session.execute(stmt)).scalars())

    async def live_subject(self, family_id: str) -> tuple[str, str] | None:
        """(subject_type, subject_id) of a family that is not revoked and whose account is still
        active (a staff account enabled, a citizen not erased); None otherwise. One round trip."""
        f, c, s = RefreshFamily, Citizen, Staff
        stmt = (
            select(f.subject_type, f.subject_id)
            .outerjoin(c, and_(f.subject_type == "citizen", c.id == f.subject_id))
            .outerjoin(s, and_(f.subject_type == "staff", s.id == f.subject_id))
            .where(
                f.id == family_id,
                f.revoked_at.is_(None),
                or_(c.status == "active", s.active.is_(True)),
            )
        )
        row = (await self.session.execute(stmt)).first()
        return None if row is None else (row[0], row[1])
