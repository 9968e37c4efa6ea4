"""Reads of the public registry: issued issuances, final retirements, and the blocks and
movements that make up the history of a range of serials. Nothing here writes."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from domain.persistence.tables import (
    Issuance,
    Organisation,
    RegistryAccount,
    RegistryMovement,
    Retirement,
    UnitBlock,
)


class RegistryPublicRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def issued(self, *, before: str | None, limit: int) -> list[Issuance]:
        """Issued issuances, newest first, after the one `before` names (the keyset is its
        (decided_at, id), so the cursor needs to carry the id only)."""
        stmt = (
            select(Issuance)
            .where(Issuance.status == "issued")
            .order_by(Issuance.decided_at.desc(), Issuance.id.desc())
            .limit(limit)
        )
        if before is not None:
            at = select(Issuance.decided_at).where(Issuance.id == before).scalar_subquery()
            stmt = stmt.where(tuple_(Issuance.decided_at, Issuance.id) < tuple_(at, before))
        return list((await self.session.execute(stmt)).scalars())

    async def retired(
        self, *, before: str | None, limit: int
    ) -> list[tuple[Retirement, str | None]]:
        """Final retirements with their organisation's name, newest first, after the one
        `before` names."""
        stmt = (
            select(Retirement, Organisation.name)
            .outerjoin(Organisation, Organisation.id == Retirement.org_id)
            .where(Retirement.status == "retired")
            .order_by(Retirement.retired_at.desc(), Retirement.id.desc())
            .limit(limit)
        )
        if before is not None:
            at = select(Retirement.retired_at).where(Retirement.id == before).scalar_subquery()
            stmt = stmt.where(tuple_(Retirement.retired_at, Retirement.id) < tuple_(at, before))
        return [(r, name) for r, name in await self.session.execute(stmt)]

    async def retirement(self, retirement_id: str) -> tuple[Retirement, str | None] | None:
        stmt = (
            select(Retirement, Organisation.name)
            .outerjoin(Organisation, Organisation.id == Retirement.org_id)
            .where(Retirement.id == retirement_id)
        )
        row = (await self.session.execute(stmt)).first()
        return (row[0], row[1]) if row else None

    async def issuance(self, project_code: str, issuance_no: int) -> Issuance | None:
        stmt = select(Issuance).where(
            Issuance.project_code == project_code, Issuance.issuance_no == issuance_no
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def blocks_touching(
        self, issuance_id: str, start: int, end: int, *, limit: int
    ) -> list[UnitBlock]:
        """Every block of the issuance, open or closed, that held any of serials start..end:
        pieces only ever narrow their parent, so these are exactly the overlapping ones."""
        stmt = (
            select(UnitBlock)
            .where(
                UnitBlock.issuance_id == issuance_id,
                UnitBlock.serial_start <= end,
                UnitBlock.serial_end >= start,
            )
            .order_by(UnitBlock.created_at, UnitBlock.serial_start, UnitBlock.id)
            .limit(limit)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def open_blocks_overlapping(
        self, issuance_id: str, start: int, end: int
    ) -> list[UnitBlock]:
        stmt = (
            select(UnitBlock)
            .where(
                UnitBlock.issuance_id == issuance_id,
                UnitBlock.serial_start <= end,
                UnitBlock.serial_end >= start,
                UnitBlock.closed_at.is_(None),
            )
            .order_by(UnitBlock.serial_start)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def movements(self, ids: Sequence[str]) -> dict[str, RegistryMovement]:
        if not ids:
            return {}
        stmt = select(RegistryMovement).where(RegistryMovement.id.in_(sorted(set(ids))))
        return {m.id: m for m in (await self.session.execute(stmt)).scalars()}

    async def account_names(self, ids: Sequence[str]) -> dict[str, str]:
        """The public name of each registry account: its organisation's, or the platform's."""
        if not ids:
            return {}
        stmt = (
            select(RegistryAccount.id, Organisation.name, RegistryAccount.name)
            .outerjoin(Organisation, Organisation.id == RegistryAccount.org_id)
            .where(RegistryAccount.id.in_(sorted(set(ids))))
        )
        return {a: org or own for a, org, own in await self.session.execute(stmt)}

    async def final_retirements(self, ids: Sequence[str]) -> set[str]:
        """Those of `ids` whose retirement is final (the only ones the public may see)."""
        if not ids:
            return set()
        stmt = select(Retirement.id).where(
            Retirement.id.in_(sorted(set(ids))), Retirement.status == "retired"
        )
        return set((await self.session.execute(stmt)).scalars())
