"""The unit of work: one session, its repositories, and the events to publish after commit.

Transactions commit in exactly one place: `Database.unit_of_work()` (used per request by api/ and
per command by the CLI and jobs). Services receive a UnitOfWork and never commit.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from domain.persistence.repositories.adjustments import AdjustmentRepository
from domain.persistence.repositories.audit import AuditRepository
from domain.persistence.repositories.bindings import BindingRepository
from domain.persistence.repositories.citizens import CitizenRepository
from domain.persistence.repositories.dashboard import DashboardRepository
from domain.persistence.repositories.donations import DonationRepository
from domain.persistence.repositories.feeds import FeedRepository
from domain.persistence.repositories.idempotency import IdempotencyRepository
from domain.persistence.repositories.ledger import LedgerRepository
from domain.persistence.repositories.merchants import MerchantRepository
from domain.persistence.repositories.methodologies import MethodologyRepository
from domain.persistence.repositories.networks import NetworkRepository
from domain.persistence.repositories.offers import OfferRepository
from domain.persistence.repositories.operators import OperatorRepository
from domain.persistence.repositories.staff import StaffRepository
from domain.persistence.repositories.tokens import TokenRepository
from domain.persistence.repositories.trips import TripRepository
from domain.persistence.repositories.vouchers import VoucherRepository


class Event:
    """Something to tell a channel once the transaction that caused it has committed."""

    __slots__ = ("channel", "name", "payload")

    def __init__(self, channel: str, name: str, payload: dict[str, Any]) -> None:
        self.channel = channel
        self.name = name
        self.payload = payload


class UnitOfWork:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.citizens = CitizenRepository(session)
        self.staff = StaffRepository(session)
        self.merchants = MerchantRepository(session)
        self.operators = OperatorRepository(session)
        self.tokens = TokenRepository(session)
        self.audit = AuditRepository(session)
        self.bindings = BindingRepository(session)
        self.feeds = FeedRepository(session)
        self.ledger = LedgerRepository(session)
        self.methodologies = MethodologyRepository(session)
        self.networks = NetworkRepository(session)
        self.trips = TripRepository(session)
        self.offers = OfferRepository(session)
        self.vouchers = VoucherRepository(session)
        self.donations = DonationRepository(session)
        self.adjustments = AdjustmentRepository(session)
        self.idempotency = IdempotencyRepository(session)
        self.dashboard = DashboardRepository(session)
        self.events: list[Event] = []

    def emit(self, channel: str, name: str, payload: dict[str, Any]) -> None:
        self.events.append(Event(channel, name, payload))

    async def flush(self) -> None:
        await self.session.flush()


class Database:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._sessions = async_sessionmaker(engine, expire_on_commit=False, autoflush=True)
        # PostgreSQL only: each statement commits by itself (see statements()). SQLite keeps
        # transactions: its writers queue on one lock anyway, and BEGIN IMMEDIATE is set up per
        # transaction (engine.py).
        self._autocommit = (
            async_sessionmaker(
                engine.execution_options(isolation_level="AUTOCOMMIT"),
                expire_on_commit=False,
                autoflush=True,
            )
            if engine.dialect.name == "postgresql"
            else self._sessions
        )

    def unit_of_work(self) -> AbstractAsyncContextManager[UnitOfWork]:
        """Commit if the block returns, roll back if it raises. The only place we commit."""
        return _committing(self._sessions)

    def statements(self) -> AbstractAsyncContextManager[UnitOfWork]:
        """A unit of work whose every statement is atomic on its own (autocommit on PostgreSQL).

        Only for use cases made of one decisive write (a conditional UPDATE) plus reads: they
        skip the BEGIN and COMMIT round trips. Anything that must change several rows together
        uses unit_of_work().
        """
        return _committing(self._autocommit)

    async def dispose(self) -> None:
        await self.engine.dispose()


@asynccontextmanager
async def _committing(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[UnitOfWork]:
    async with sessions() as session:
        uow = UnitOfWork(session)
        try:
            yield uow
        except BaseException as exc:
            # A few failures must still be recorded (e.g. revoking a token family on reuse).
            if getattr(exc, "keep_changes", False):
                await session.commit()
            else:
                await session.rollback()
            raise
        await session.commit()
