"""Registry accounts, issuances, unit blocks, movements and retirements.

Blocks are never edited except to close them: `close_blocks` is a conditional UPDATE (open ones
only) whose row count the caller checks, so a block can end only once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.persistence.bulk import insert_many
from domain.persistence.dialect import insert
from domain.persistence.tables import (
    Aggregation,
    Issuance,
    MethodologyVersion,
    MonitoringReport,
    Project,
    RegistryAccount,
    RegistryMovement,
    Retirement,
    UnitBlock,
)

BLOCKS = UnitBlock.__table__
ISSUANCES = Issuance.__table__


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

    # What an issuance is made of (read only here; their own subjects write them).

    async def report(self, report_id: str) -> MonitoringReport | None:
        return await self.session.get(MonitoringReport, report_id)

    async def project(self, project_id: str, *, for_update: bool = False) -> Project | None:
        stmt = select(Project).where(Project.id == project_id)
        if for_update:
            stmt = stmt.with_for_update()
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def aggregation(self, aggregation_id: str) -> Aggregation | None:
        return await self.session.get(Aggregation, aggregation_id)

    async def methodology_version(self, version_id: str) -> MethodologyVersion | None:
        return await self.session.get(MethodologyVersion, version_id)

    # Issuances

    async def movement(self, movement_id: str) -> RegistryMovement | None:
        return await self.session.get(RegistryMovement, movement_id)

    def add(self, row: Issuance | RegistryMovement | Retirement) -> None:
        self.session.add(row)

    async def issuance(self, issuance_id: str, *, for_update: bool = False) -> Issuance | None:
        stmt = select(Issuance).where(Issuance.id == issuance_id)
        if for_update:
            stmt = stmt.with_for_update()
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def issuance_of(
        self,
        *,
        report_id: str | None = None,
        aggregation_id: str | None = None,
        for_update: bool = False,
    ) -> Issuance | None:
        column = Issuance.report_id if report_id else Issuance.aggregation_id
        stmt = select(Issuance).where(column == (report_id or aggregation_id))
        if for_update:
            stmt = stmt.with_for_update()
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def issuances(
        self, *, status: str | None, after: str | None, limit: int
    ) -> list[Issuance]:
        """Oldest proposal first (ids are time-ordered ULIDs): the longest wait leads the queue."""
        stmt = select(Issuance).order_by(Issuance.id).limit(limit)
        if status:
            stmt = stmt.where(Issuance.status == status)
        if after:
            stmt = stmt.where(Issuance.id > after)
        return list((await self.session.execute(stmt)).scalars())

    async def last_issuance_no(self, project_code: str) -> int:
        stmt = select(func.max(Issuance.issuance_no)).where(Issuance.project_code == project_code)
        return (await self.session.execute(stmt)).scalar_one() or 0

    # Blocks and movements

    async def open_blocks(self, account_id: str) -> list[tuple[UnitBlock, Issuance]]:
        """The account's open blocks with their issuance, in no particular order."""
        stmt = (
            select(UnitBlock, Issuance)
            .join(Issuance, Issuance.id == UnitBlock.issuance_id)
            .where(UnitBlock.account_id == account_id, UnitBlock.closed_at.is_(None))
        )
        return [(b, i) for b, i in (await self.session.execute(stmt)).all()]

    async def spendable_prefix(
        self, account_id: str, quantity: int, *, unit_class: str | None
    ) -> list[tuple[UnitBlock, Issuance]]:
        """The account's active blocks in spending order (domain/registry/blocks.py), only as
        many as reach `quantity` (all of them when they do not), of one class if given: a
        movement reads the blocks it may take, not the account's whole history."""
        size = UnitBlock.serial_end - UnitBlock.serial_start + 1
        running = (
            func.sum(size)
            .over(
                order_by=(
                    Issuance.vintage,
                    Issuance.issuance_no,
                    UnitBlock.serial_start,
                    Issuance.project_code,
                    Issuance.unit_class,
                    UnitBlock.id,
                ),
                rows=(None, 0),
            )
            .label("running")
        )
        ranked = (
            select(UnitBlock.id.label("id"), (running - size).label("before"))
            .join(Issuance, Issuance.id == UnitBlock.issuance_id)
            .where(
                UnitBlock.account_id == account_id,
                UnitBlock.closed_at.is_(None),
                UnitBlock.status == "active",
            )
        )
        if unit_class is not None:
            ranked = ranked.where(Issuance.unit_class == unit_class)
        ranked = ranked.subquery()
        stmt = (
            select(UnitBlock, Issuance)
            .join(Issuance, Issuance.id == UnitBlock.issuance_id)
            .join(ranked, ranked.c.id == UnitBlock.id)
            .where(ranked.c.before < quantity)
        )
        return [(b, i) for b, i in (await self.session.execute(stmt)).all()]

    async def open_blocks_made_by(
        self, movement_id: str, account_id: str
    ) -> list[tuple[UnitBlock, Issuance]]:
        """The open blocks a movement put in an account (e.g. a retirement's reserved units)."""
        stmt = (
            select(UnitBlock, Issuance)
            .join(Issuance, Issuance.id == UnitBlock.issuance_id)
            .where(
                UnitBlock.created_by == movement_id,
                UnitBlock.account_id == account_id,
                UnitBlock.closed_at.is_(None),
            )
        )
        return [(b, i) for b, i in (await self.session.execute(stmt)).all()]

    async def close_blocks(self, ids: Sequence[str], movement_id: str, now: datetime) -> int:
        """Close the open blocks among `ids`; the number closed (the caller checks it)."""
        stmt = (
            update(UnitBlock)
            .where(UnitBlock.id.in_(list(ids)), UnitBlock.closed_at.is_(None))
            .values(closed_at=now, closed_by=movement_id)
            .execution_options(synchronize_session=False)
        )
        return (await self.session.execute(stmt)).rowcount

    async def add_blocks(self, rows: list[dict[str, Any]]) -> None:
        await insert_many(self.session, BLOCKS, rows)

    # Retirements

    async def retirement(
        self, retirement_id: str, *, for_update: bool = False
    ) -> Retirement | None:
        stmt = select(Retirement).where(Retirement.id == retirement_id)
        if for_update:
            stmt = stmt.with_for_update()
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def insert_issuance(self, row: dict[str, Any]) -> Issuance | None:
        """Insert a proposal unless its report or aggregation already has one (the unique
        columns decide, even between concurrent proposals); the stored row, or None."""
        stmt = insert(self.session, ISSUANCES).values(row).on_conflict_do_nothing()
        result = await self.session.execute(stmt)
        if result.rowcount != 1:
            return None
        return await self.session.get(Issuance, row["id"])

    async def retirements_of(
        self, account_id: str, *, before: str | None, limit: int
    ) -> list[Retirement]:
        """An account's retirements in every status, newest first (ids grow with time)."""
        stmt = select(Retirement).where(Retirement.account_id == account_id)
        if before is not None:
            stmt = stmt.where(Retirement.id < before)
        stmt = stmt.order_by(Retirement.id.desc()).limit(limit)
        return list((await self.session.execute(stmt)).scalars())
