"""Reads for the ledger audit (`puhui verify`): every chained account (citizens' and registry
holdings), its postings in chain order (streamed), its lots, the trips its postings credited,
and the registry's blocks, issuances and movements its invariants are checked against."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.persistence.tables import (
    Issuance,
    LedgerAccount,
    PointsLot,
    Posting,
    RegistryMovement,
    Trip,
    UnitBlock,
)

STREAM_BATCH = 1000


class LedgerAuditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def citizen_accounts(self) -> list[LedgerAccount]:
        return await self.accounts_of_kind("citizen")

    async def accounts_of_kind(self, kind: str) -> list[LedgerAccount]:
        stmt = select(LedgerAccount).where(LedgerAccount.kind == kind).order_by(LedgerAccount.id)
        return list((await self.session.execute(stmt)).scalars())

    async def chain(self, account_id: str) -> AsyncIterator[Posting]:
        """The account's postings by seq, fetched STREAM_BATCH rows at a time (close it early
        with contextlib.aclosing)."""
        stmt = select(Posting).where(Posting.chain_account == account_id).order_by(Posting.seq)
        result = await self.session.stream_scalars(stmt.execution_options(yield_per=STREAM_BATCH))
        try:
            async for posting in result:
                yield posting
        finally:
            await result.close()

    async def postings_between(self, start: datetime, end: datetime) -> AsyncIterator[Posting]:
        """The postings made in [start, end), by chain and seq, streamed like `chain`."""
        stmt = (
            select(Posting)
            .where(Posting.created_at >= start, Posting.created_at < end)
            .order_by(Posting.chain_account, Posting.seq)
        )
        result = await self.session.stream_scalars(stmt.execution_options(yield_per=STREAM_BATCH))
        try:
            async for posting in result:
                yield posting
        finally:
            await result.close()

    async def lots_remaining(self, account_id: str) -> int:
        """The points the account's lots still hold, together."""
        stmt = select(func.coalesce(func.sum(PointsLot.remaining), 0)).where(
            PointsLot.account_id == account_id
        )
        return int((await self.session.execute(stmt)).scalar_one())

    async def trip(self, trip_id: str) -> Trip | None:
        return await self.session.get(Trip, trip_id)

    # The registry

    async def open_quantities(self) -> dict[str, int]:
        """Units in open blocks, by holding account."""
        units = func.sum(UnitBlock.serial_end - UnitBlock.serial_start + 1)
        stmt = (
            select(UnitBlock.account_id, units)
            .where(UnitBlock.closed_at.is_(None))
            .group_by(UnitBlock.account_id)
        )
        return {a: int(n) for a, n in await self.session.execute(stmt)}

    async def open_blocks(self) -> AsyncIterator[tuple[str, str, int, int, str, str]]:
        """(id, issuance, start, end, account, status) of every open block, by issuance and
        first serial, streamed."""
        stmt = (
            select(
                UnitBlock.id,
                UnitBlock.issuance_id,
                UnitBlock.serial_start,
                UnitBlock.serial_end,
                UnitBlock.account_id,
                UnitBlock.status,
            )
            .where(UnitBlock.closed_at.is_(None))
            .order_by(UnitBlock.issuance_id, UnitBlock.serial_start, UnitBlock.id)
        )
        result = await self.session.stream(stmt.execution_options(yield_per=STREAM_BATCH))
        try:
            async for i, iss, start, end, account, status in result:
                yield i, iss, int(start), int(end), account, status
        finally:
            await result.close()

    async def issued_quantities(self) -> dict[str, int]:
        stmt = select(Issuance.id, Issuance.quantity).where(Issuance.status == "issued")
        return {i: int(q) for i, q in await self.session.execute(stmt)}

    async def movement_total(self, kind: str) -> int:
        stmt = select(func.coalesce(func.sum(RegistryMovement.quantity), 0)).where(
            RegistryMovement.kind == kind
        )
        return int((await self.session.execute(stmt)).scalar_one())
