"""Reads for the ledger audit (`puhui verify`): every citizen account, its postings in chain
order (streamed), its lots and the trips its postings credited."""

from __future__ import annotations

from collections.abc import AsyncIterator

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.persistence.tables import LedgerAccount, PointsLot, Posting, Trip

STREAM_BATCH = 1000


class LedgerAuditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def citizen_accounts(self) -> list[LedgerAccount]:
        stmt = (
            select(LedgerAccount).where(LedgerAccount.kind == "citizen").order_by(LedgerAccount.id)
        )
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

    async def lots_remaining(self, account_id: str) -> int:
        """The points the account's lots still hold, together."""
        stmt = select(func.coalesce(func.sum(PointsLot.remaining), 0)).where(
            PointsLot.account_id == account_id
        )
        return int((await self.session.execute(stmt)).scalar_one())

    async def trip(self, trip_id: str) -> Trip | None:
        return await self.session.get(Trip, trip_id)
