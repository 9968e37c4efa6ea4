"""Organisations, their applications and members (staff with org_id)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.persistence.tables import (
    LedgerAccount,
    Organisation,
    OrgApplication,
    RegistryAccount,
    Staff,
)


class OrganisationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, organisation: Organisation) -> None:
        self.session.add(organisation)

    def add_application(self, application: OrgApplication) -> None:
        self.session.add(application)

    async def get(self, org_id: str) -> Organisation | None:
        return await self.session.get(Organisation, org_id)

    async def by_uscc(self, uscc: str) -> Organisation | None:
        stmt = select(Organisation).where(Organisation.uscc == uscc)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def list(self, *, kind: str | None, after: str | None, limit: int) -> list[Organisation]:
        stmt = select(Organisation).order_by(Organisation.id).limit(limit)
        if kind:
            stmt = stmt.where(Organisation.kind == kind)
        if after:
            stmt = stmt.where(Organisation.id > after)
        return list((await self.session.execute(stmt)).scalars())

    async def application(
        self, application_id: str, *, for_update: bool = False
    ) -> OrgApplication | None:
        stmt = select(OrgApplication).where(OrgApplication.id == application_id)
        if for_update:
            stmt = stmt.with_for_update()
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def pending_application(self, uscc: str) -> OrgApplication | None:
        stmt = (
            select(OrgApplication)
            .where(OrgApplication.uscc == uscc, OrgApplication.status == "pending")
            .limit(1)
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def applications(
        self, *, status: str | None, after: str | None, limit: int
    ) -> list[OrgApplication]:
        stmt = select(OrgApplication).order_by(OrgApplication.id).limit(limit)
        if status:
            stmt = stmt.where(OrgApplication.status == status)
        if after:
            stmt = stmt.where(OrgApplication.id > after)
        return list((await self.session.execute(stmt)).scalars())

    async def members(self, org_id: str, *, after: str | None, limit: int) -> list[Staff]:
        stmt = select(Staff).where(Staff.org_id == org_id).order_by(Staff.id).limit(limit)
        if after:
            stmt = stmt.where(Staff.id > after)
        return list((await self.session.execute(stmt)).scalars())

    async def accounts(self, org_id: str) -> list[tuple[RegistryAccount, int]]:
        """The organisation's registry accounts with their ledger balance (tonnes)."""
        stmt = (
            select(RegistryAccount, LedgerAccount.balance)
            .join(LedgerAccount, LedgerAccount.id == RegistryAccount.id)
            .where(RegistryAccount.org_id == org_id, RegistryAccount.kind != "listing")
            .order_by(RegistryAccount.id)
        )
        return [(a, int(b)) for a, b in (await self.session.execute(stmt)).all()]
