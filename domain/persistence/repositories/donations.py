from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.persistence.tables import Donation, DonationProject


class DonationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add_project(self, project: DonationProject) -> None:
        self.session.add(project)

    async def project(self, project_id: str) -> DonationProject | None:
        return await self.session.get(DonationProject, project_id)

    async def projects(self, *, active_only: bool) -> list[DonationProject]:
        stmt = select(DonationProject).order_by(DonationProject.id)
        if active_only:
            stmt = stmt.where(DonationProject.active.is_(True))
        return list((await self.session.execute(stmt)).scalars())

    async def totals(self) -> dict[str, tuple[int, int, int]]:
        """Per project: (donations, units, points)."""
        stmt = select(
            Donation.project_id, func.count(), func.sum(Donation.units), func.sum(Donation.points)
        ).group_by(Donation.project_id)
        return {p: (int(n), int(u), int(s)) for p, n, u, s in await self.session.execute(stmt)}

    def add(self, donation: Donation) -> None:
        self.session.add(donation)

    async def of_citizen(
        self, citizen_id: str, *, before: str | None, limit: int
    ) -> list[Donation]:
        stmt = (
            select(Donation)
            .where(Donation.citizen_id == citizen_id)
            .order_by(Donation.id.desc())
            .limit(limit)
        )
        if before:
            stmt = stmt.where(Donation.id < before)
        return list((await self.session.execute(stmt)).scalars())
