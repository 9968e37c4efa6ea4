"""Registry accounts, issuances, unit blocks, movements and retirements."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.persistence.tables import RegistryAccount


class RegistryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add_account(self, account: RegistryAccount) -> None:
        self.session.add(account)

    async def account(self, account_id: str) -> RegistryAccount | None:
        return await self.session.get(RegistryAccount, account_id)

    async def accounts_of(self, org_id: str) -> list[RegistryAccount]:
        stmt = (
            select(RegistryAccount)
            .where(RegistryAccount.org_id == org_id)
            .order_by(RegistryAccount.created_at, RegistryAccount.id)
        )
        return list((await self.session.execute(stmt)).scalars())
