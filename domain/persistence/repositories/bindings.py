from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.persistence.bulk import lookup
from domain.persistence.tables import Binding, BindingCode


class BindingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, obj: Binding | BindingCode) -> None:
        self.session.add(obj)

    async def code(self, operator_id: str, code: str) -> BindingCode | None:
        stmt = select(BindingCode).where(
            BindingCode.operator_id == operator_id, BindingCode.code == code
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def spend_code(self, code_id: str, now: datetime) -> bool:
        stmt = (
            update(BindingCode)
            .where(
                BindingCode.id == code_id,
                BindingCode.spent_at.is_(None),
                BindingCode.expires_at > now,
            )
            .values(spent_at=now)
        )
        return (await self.session.execute(stmt)).rowcount == 1

    async def citizens_of_accounts(
        self, operator_id: str, account_hashes: Iterable[str]
    ) -> dict[str, str]:
        """account hash -> citizen id, for the accounts that are linked now."""
        rows = await lookup(
            self.session,
            Binding.__table__,
            ["account_hash", "citizen_id"],
            key="account_hash",
            values=sorted(set(account_hashes)),
            where="t.operator_id = :op AND t.unbound_at IS NULL",
            params={"op": operator_id},
        )
        return {h: c for h, c in rows}

    async def active_for_account(self, operator_id: str, account_hash: str) -> Binding | None:
        stmt = select(Binding).where(
            Binding.operator_id == operator_id,
            Binding.account_hash == account_hash,
            Binding.unbound_at.is_(None),
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def of_citizen(self, citizen_id: str) -> list[Binding]:
        stmt = (
            select(Binding)
            .where(Binding.citizen_id == citizen_id, Binding.unbound_at.is_(None))
            .order_by(Binding.bound_at)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def count_of_citizen(self, citizen_id: str) -> int:
        stmt = select(func.count()).where(
            Binding.citizen_id == citizen_id, Binding.unbound_at.is_(None)
        )
        return int((await self.session.execute(stmt)).scalar_one())

    async def get(self, binding_id: str) -> Binding | None:
        return await self.session.get(Binding, binding_id)

    async def delete_of_citizen(self, citizen_id: str) -> list[tuple[str, str]]:
        """Delete every binding (linked or unlinked before) and binding code of the citizen;
        returns (operator_id, account_hash) of the accounts that were linked."""
        deleted = await self.session.execute(
            delete(Binding)
            .where(Binding.citizen_id == citizen_id)
            .returning(Binding.operator_id, Binding.account_hash, Binding.unbound_at)
            .execution_options(synchronize_session=False)
        )
        linked = [(op, h) for op, h, unbound_at in deleted if unbound_at is None]
        await self.session.execute(
            delete(BindingCode)
            .where(BindingCode.citizen_id == citizen_id)
            .execution_options(synchronize_session=False)
        )
        return linked
