"""The unit of work over in-memory repositories: what unit tests hand to use cases.

Like the SQL one it publishes events only when a stage commits, and `transaction()` plays the
entry point: commit when the block returns, roll back to the last commit when it raises.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from domain.persistence.uow import Event, UnitOfWork
from tests.fakes.citizens import FakeBindings, FakeCitizens
from tests.fakes.governance import (
    FakeAudit,
    FakeComplaints,
    FakeInstitutions,
    FakeJobs,
    FakeMethodologies,
)
from tests.fakes.ledger import FakeLedger
from tests.fakes.merchants import FakeMerchants, FakeOffers
from tests.fakes.points import FakeAdjustments, FakeDonations, FakeIdempotency
from tests.fakes.staff import FakeStaff, FakeStaffLogins
from tests.fakes.state import Stored
from tests.fakes.tokens import FakeNonces, FakeTokens
from tests.fakes.trips import FakeTrips
from tests.fakes.vouchers import FakeVouchers

SEEDED_AT = datetime(2026, 1, 1, tzinfo=UTC)


class NotFaked:
    """A repository no fake stands in for yet: any use names it in the failure."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, method: str) -> Any:
        raise AttributeError(f"FakeUnitOfWork has no fake for uow.{self._name}.{method}")


class FakeUnitOfWork(UnitOfWork):
    def __init__(self) -> None:
        self.citizens = FakeCitizens()
        self.bindings = FakeBindings()
        self.trips = FakeTrips()
        self.ledger = FakeLedger(self.trips, stage=lambda: self.stages, now=SEEDED_AT)
        self.merchants = FakeMerchants()
        self.offers = FakeOffers(self.merchants)
        self.vouchers = FakeVouchers(self.offers, self.merchants)
        self.adjustments = FakeAdjustments()
        self.donations = FakeDonations()
        self.idempotency = FakeIdempotency()
        self.audit = FakeAudit()
        self.methodologies = FakeMethodologies()
        self.jobs = FakeJobs()
        self.staff = FakeStaff()
        self.staff_logins = FakeStaffLogins()
        self.tokens = FakeTokens(self.citizens, self.staff)
        self.nonces = FakeNonces()
        self.complaints = FakeComplaints()
        self.institutions = FakeInstitutions()
        for name in UnitOfWork.__annotations__:
            if not hasattr(self, name) and name != "events":
                setattr(self, name, NotFaked(name))
        self.events: list[Event] = []
        self.published: list[Event] = []
        self.stages = 0
        self.flushes = 0
        self._committed = self._snapshot()

    def _stored(self) -> dict[str, Stored]:
        return {k: v for k, v in vars(self).items() if isinstance(v, Stored)}

    def _snapshot(self) -> dict[str, dict[str, Any]]:
        return {name: repo.snapshot() for name, repo in self._stored().items()}

    def _commit(self) -> None:
        for repo in self._stored().values():
            repo.check()
        self._committed = self._snapshot()
        self.published += self.events
        self.events = []

    async def flush(self) -> None:
        for repo in self._stored().values():
            repo.check()
        self.flushes += 1

    async def commit_stage(self) -> None:
        self._commit()
        self.stages += 1

    def rollback(self) -> None:
        """Back to what the last commit left; the events of the undone work are dropped."""
        for name, repo in self._stored().items():
            repo.restore(self._committed[name])
        self.events = []

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[FakeUnitOfWork]:
        """The entry point's transaction: commit if the block returns, roll back if it raises."""
        try:
            yield self
        except BaseException:
            self.rollback()
            raise
        self._commit()

    def published_named(self, name: str) -> list[dict[str, Any]]:
        return [e.payload for e in self.published if e.name == name]
