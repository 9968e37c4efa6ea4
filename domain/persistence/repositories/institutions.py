"""Public institutions: invite codes, membership periods, and the aggregates of the credited
trips members made while members. Every figure leaves the database already summed: no query
here returns a citizen's trips or a per-citizen row to its callers."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.persistence.tables import (
    InstitutionInviteCode,
    InstitutionMembership,
    Organisation,
    Trip,
)

M, T = InstitutionMembership, Trip


def _during_membership():
    """Trip joined to the membership period it ended in (credited trips only)."""
    return and_(
        T.citizen_id == M.citizen_id,
        T.status == "credited",
        T.ended_at >= M.joined_at,
        or_(M.left_at.is_(None), T.ended_at < M.left_at),
    )


class InstitutionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # invite codes ----------------------------------------------------------------------------

    def add_code(self, code: InstitutionInviteCode) -> None:
        self.session.add(code)

    async def code(self, code_id: str, *, for_update: bool = False) -> InstitutionInviteCode | None:
        stmt = select(InstitutionInviteCode).where(InstitutionInviteCode.id == code_id)
        if for_update:
            stmt = stmt.with_for_update()
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def code_by_value(
        self, value: str, *, for_update: bool = False
    ) -> InstitutionInviteCode | None:
        stmt = select(InstitutionInviteCode).where(InstitutionInviteCode.code == value)
        if for_update:
            stmt = stmt.with_for_update()
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def codes(self, organisation_id: str, *, limit: int) -> list[InstitutionInviteCode]:
        stmt = (
            select(InstitutionInviteCode)
            .where(InstitutionInviteCode.organisation_id == organisation_id)
            .order_by(InstitutionInviteCode.created_at.desc(), InstitutionInviteCode.id.desc())
            .limit(limit)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def count_use(self, code_id: str) -> None:
        await self.session.execute(
            update(InstitutionInviteCode)
            .where(InstitutionInviteCode.id == code_id)
            .values(uses=InstitutionInviteCode.uses + 1)
        )

    # memberships -----------------------------------------------------------------------------

    def add_membership(self, membership: InstitutionMembership) -> None:
        self.session.add(membership)

    async def open_membership(
        self, citizen_id: str, *, for_update: bool = False
    ) -> InstitutionMembership | None:
        stmt = select(M).where(M.citizen_id == citizen_id, M.left_at.is_(None))
        if for_update:
            stmt = stmt.with_for_update()
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def memberships_of(self, citizen_id: str) -> list[InstitutionMembership]:
        """The citizen's own membership periods (their data export)."""
        stmt = select(M).where(M.citizen_id == citizen_id).order_by(M.joined_at)
        return list((await self.session.execute(stmt)).scalars())

    async def leave_all(self, citizen_id: str, now: datetime) -> None:
        """Close the citizen's open membership (erasure)."""
        await self.session.execute(
            update(M).where(M.citizen_id == citizen_id, M.left_at.is_(None)).values(left_at=now)
        )

    async def citizen_totals(self, membership_id: str) -> tuple[int, int]:
        """(credited trips, grams) the citizen made during this one membership period (their
        own figures, shown to them)."""
        stmt = (
            select(func.count(T.id), func.coalesce(func.sum(T.reduction_g), 0))
            .select_from(M)
            .join(T, _during_membership())
            .where(M.id == membership_id)
        )
        n, g = (await self.session.execute(stmt)).one()
        return int(n), int(g)

    # aggregates ------------------------------------------------------------------------------

    async def members(self, organisation_id: str) -> int:
        """Citizens who are members now."""
        stmt = select(func.count()).where(M.organisation_id == organisation_id, M.left_at.is_(None))
        return int((await self.session.execute(stmt)).scalar_one())

    async def members_since(self, organisation_id: str, moment: datetime) -> int:
        """Citizens who are members now and have been since `moment` (or before)."""
        stmt = select(func.count()).where(
            M.organisation_id == organisation_id, M.left_at.is_(None), M.joined_at <= moment
        )
        return int((await self.session.execute(stmt)).scalar_one())

    async def ever_members(self, organisation_id: str) -> int:
        stmt = select(func.count(func.distinct(M.citizen_id))).where(
            M.organisation_id == organisation_id
        )
        return int((await self.session.execute(stmt)).scalar_one())

    async def totals(self, organisation_id: str, since_day: date | None = None) -> tuple[int, int]:
        """(credited trips, grams) members made while members (since the Shanghai day
        `since_day`, when given)."""
        stmt = (
            select(func.count(T.id), func.coalesce(func.sum(T.reduction_g), 0))
            .select_from(M)
            .join(T, _during_membership())
            .where(M.organisation_id == organisation_id)
        )
        if since_day is not None:
            stmt = stmt.where(T.day >= since_day)
        n, g = (await self.session.execute(stmt)).one()
        return int(n), int(g)

    async def standings(self) -> list[tuple[str, int, int]]:
        """(organisation id, members now, grams while members) of every active public
        institution, members or not: what the ranks are computed from."""
        members = (
            select(M.organisation_id.label("org"), func.count().label("n"))
            .where(M.left_at.is_(None))
            .group_by(M.organisation_id)
            .subquery()
        )
        grams = (
            select(M.organisation_id.label("org"), func.sum(T.reduction_g).label("g"))
            .select_from(M)
            .join(T, _during_membership())
            .group_by(M.organisation_id)
            .subquery()
        )
        stmt = (
            select(
                Organisation.id,
                func.coalesce(members.c.n, 0),
                func.coalesce(grams.c.g, 0),
            )
            .outerjoin(members, members.c.org == Organisation.id)
            .outerjoin(grams, grams.c.org == Organisation.id)
            .where(Organisation.kind == "public_institution", Organisation.status == "active")
        )
        return [(o, int(n), int(g)) for o, n, g in await self.session.execute(stmt)]
