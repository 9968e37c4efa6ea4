"""The unit of work: the interface use cases take, and the SQL one the entry points open.

Transactions begin and commit only in entry points (a request, a job run, a CLI command), through
`Database.unit_of_work()`. Use cases receive a UnitOfWork and never commit; one that must commit
in stages (ingest passes, a job over many batches) asks for the next stage with `commit_stage()`,
on the same connection it already holds. Events a stage emitted are published once it commits.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from domain.persistence.repositories.adjustments import AdjustmentRepository
from domain.persistence.repositories.aggregations import AggregationRepository
from domain.persistence.repositories.alerts import AlertRepository
from domain.persistence.repositories.audit import AuditRepository
from domain.persistence.repositories.bindings import BindingRepository
from domain.persistence.repositories.certificates import CertificateRepository
from domain.persistence.repositories.checkpoints import CheckpointRepository
from domain.persistence.repositories.citizens import CitizenRepository
from domain.persistence.repositories.complaints import ComplaintRepository
from domain.persistence.repositories.dashboard import DashboardRepository
from domain.persistence.repositories.districts import DistrictRepository
from domain.persistence.repositories.donations import DonationRepository
from domain.persistence.repositories.events import EventRepository
from domain.persistence.repositories.exchange import ExchangeRepository
from domain.persistence.repositories.experts import ExpertRepository
from domain.persistence.repositories.feeds import FeedRepository
from domain.persistence.repositories.files import FileRepository
from domain.persistence.repositories.idempotency import IdempotencyRepository
from domain.persistence.repositories.institutions import InstitutionRepository
from domain.persistence.repositories.jobs import JobRepository
from domain.persistence.repositories.ledger import LedgerRepository
from domain.persistence.repositories.ledger_audit import LedgerAuditRepository
from domain.persistence.repositories.market import MarketRepository
from domain.persistence.repositories.merchants import MerchantRepository
from domain.persistence.repositories.methodologies import MethodologyRepository
from domain.persistence.repositories.networks import NetworkRepository
from domain.persistence.repositories.nonces import NonceRepository
from domain.persistence.repositories.notices import NoticeRepository
from domain.persistence.repositories.offers import OfferRepository
from domain.persistence.repositories.operators import OperatorRepository
from domain.persistence.repositories.organisations import OrganisationRepository
from domain.persistence.repositories.projects import ProjectRepository
from domain.persistence.repositories.reconciliation import ReconciliationRepository
from domain.persistence.repositories.registry import RegistryRepository
from domain.persistence.repositories.registry_public import RegistryPublicRepository
from domain.persistence.repositories.staff import StaffRepository
from domain.persistence.repositories.staff_logins import StaffLoginRepository
from domain.persistence.repositories.supervision import SupervisionRepository
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


Publisher = Callable[[list[Event]], Awaitable[None]]


async def _no_publisher(events: list[Event]) -> None:
    return None


class UnitOfWork(ABC):
    """What a use case may ask of the transaction it runs in: repositories (the SQL ones, or
    in-memory fakes in unit tests), events to publish after commit, and the next stage."""

    citizens: CitizenRepository
    staff: StaffRepository
    staff_logins: StaffLoginRepository
    merchants: MerchantRepository
    operators: OperatorRepository
    nonces: NonceRepository
    tokens: TokenRepository
    audit: AuditRepository
    bindings: BindingRepository
    feeds: FeedRepository
    ledger: LedgerRepository
    ledger_audit: LedgerAuditRepository
    checkpoints: CheckpointRepository
    methodologies: MethodologyRepository
    notices: NoticeRepository
    complaints: ComplaintRepository
    networks: NetworkRepository
    trips: TripRepository
    offers: OfferRepository
    vouchers: VoucherRepository
    donations: DonationRepository
    adjustments: AdjustmentRepository
    idempotency: IdempotencyRepository
    dashboard: DashboardRepository
    districts: DistrictRepository
    institutions: InstitutionRepository
    jobs: JobRepository
    organisations: OrganisationRepository
    experts: ExpertRepository
    projects: ProjectRepository
    files: FileRepository
    registry: RegistryRepository
    registry_public: RegistryPublicRepository
    aggregations: AggregationRepository
    market: MarketRepository
    exchange: ExchangeRepository
    certificates: CertificateRepository
    carbon_events: EventRepository
    reconciliation: ReconciliationRepository
    alerts: AlertRepository
    supervision: SupervisionRepository
    events: list[Event]

    def emit(self, channel: str, name: str, payload: dict[str, Any]) -> None:
        self.events.append(Event(channel, name, payload))

    @abstractmethod
    async def flush(self) -> None:
        """Send pending ORM changes (ids, constraints) without committing."""

    @abstractmethod
    async def commit_stage(self) -> None:
        """Commit what this unit of work has done so far and publish its events; what follows
        runs in the next transaction. Only for use cases that must commit in stages."""


class SqlUnitOfWork(UnitOfWork):
    def __init__(self, session: AsyncSession, publish: Publisher = _no_publisher) -> None:
        self.session = session
        self._publish = publish
        self.citizens = CitizenRepository(session)
        self.staff = StaffRepository(session)
        self.staff_logins = StaffLoginRepository(session)
        self.merchants = MerchantRepository(session)
        self.operators = OperatorRepository(session)
        self.nonces = NonceRepository(session)
        self.tokens = TokenRepository(session)
        self.audit = AuditRepository(session)
        self.bindings = BindingRepository(session)
        self.feeds = FeedRepository(session)
        self.ledger = LedgerRepository(session)
        self.ledger_audit = LedgerAuditRepository(session)
        self.checkpoints = CheckpointRepository(session)
        self.methodologies = MethodologyRepository(session)
        self.notices = NoticeRepository(session)
        self.complaints = ComplaintRepository(session)
        self.networks = NetworkRepository(session)
        self.trips = TripRepository(session)
        self.offers = OfferRepository(session)
        self.vouchers = VoucherRepository(session)
        self.donations = DonationRepository(session)
        self.adjustments = AdjustmentRepository(session)
        self.idempotency = IdempotencyRepository(session)
        self.dashboard = DashboardRepository(session)
        self.districts = DistrictRepository(session)
        self.institutions = InstitutionRepository(session)
        self.jobs = JobRepository(session)
        self.organisations = OrganisationRepository(session)
        self.experts = ExpertRepository(session)
        self.projects = ProjectRepository(session)
        self.files = FileRepository(session)
        self.registry = RegistryRepository(session)
        self.registry_public = RegistryPublicRepository(session)
        self.aggregations = AggregationRepository(session)
        self.market = MarketRepository(session)
        self.exchange = ExchangeRepository(session)
        self.certificates = CertificateRepository(session)
        self.carbon_events = EventRepository(session)
        self.reconciliation = ReconciliationRepository(session)
        self.alerts = AlertRepository(session)
        self.supervision = SupervisionRepository(session)
        self.events = []

    async def flush(self) -> None:
        await self.session.flush()

    async def commit_stage(self) -> None:
        # The session gives its connection back to the pool at commit and takes one again at
        # the next statement: a staged use case never holds two connections.
        await self.session.commit()
        await self.publish_events()

    async def publish_events(self) -> None:
        events, self.events = self.events, []
        await self._publish(events)


class Database:
    def __init__(self, engine: AsyncEngine, publish: Publisher | None = None) -> None:
        self.engine = engine
        self.publish: Publisher = publish or _no_publisher
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

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def unit_of_work(self) -> AbstractAsyncContextManager[SqlUnitOfWork]:
        """Commit if the block returns, roll back if it raises; then publish the events of what
        committed. With commit_stage(), the only places we commit."""
        return self._committing(self._sessions)

    def statements(self) -> AbstractAsyncContextManager[SqlUnitOfWork]:
        """A unit of work whose every statement is atomic on its own (autocommit on PostgreSQL).

        Only for use cases made of one decisive write (a conditional UPDATE) plus reads: they
        skip the BEGIN and COMMIT round trips. Anything that must change several rows together
        uses unit_of_work().
        """
        return self._committing(self._autocommit)

    async def ping(self) -> None:
        """One round trip on a connection of the pool (raises when the database is down)."""
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()

    @asynccontextmanager
    async def _committing(
        self, sessions: async_sessionmaker[AsyncSession]
    ) -> AsyncIterator[SqlUnitOfWork]:
        async with sessions() as session:
            uow = SqlUnitOfWork(session, self.publish)
            try:
                yield uow
            except BaseException:
                await session.rollback()
                raise
            await session.commit()
        await uow.publish_events()
