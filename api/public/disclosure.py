"""/v1/public/*: statistics, methodologies and ledger checkpoints, for everyone (no auth)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import msgspec
from litestar import Controller, get
from litestar.params import Parameter

from api.schemas import LIMIT
from api.shared.methodologies import MethodologyOut, out
from domain import districts
from domain.clock import shanghai_date
from domain.ledger import checkpoints
from domain.persistence.uow import UnitOfWork

DISTRICT = Parameter(
    default=None,
    max_length=32,
    description="cut by district (GET /v1/public/districts): trips by their origin station; "
    "projects, stores and institutions by their own district",
)


class DayMode(msgspec.Struct):
    date: date
    mode: str
    credited_trips: int
    reduction_g: int


class Stats(msgspec.Struct):
    citizens: int  # with ?district=: citizens credited for a trip from the district
    credited_trips: int
    reduction_g: int
    active_citizens: int
    by_day_and_mode: list[DayMode]
    district: str | None = None  # the district cut by (trips by their origin station)
    projects: int = 0  # registered projects (in the district)
    stores: int = 0  # merchants' stores (in the district)
    public_institutions: int = 0  # active public institutions (in the district)


class CheckpointOut(msgspec.Struct):
    date: date
    merkle_root: str
    accounts: int
    postings: int
    points_issued: int
    reduction_g: int
    credited_trips: int
    registry_movements: int  # issuances, transfers and retirements of the day
    units_issued: int  # tonnes
    units_retired: int  # tonnes of retirements that became final that day
    published_at: datetime


class OperatorRef(msgspec.Struct):
    operator_id: str
    name: str
    kind: str  # metro | bikeshare | bus


class PublicController(Controller):
    path = "/v1/public"
    tags = ["public"]

    @get("/stats", summary="Citizens, credited trips and reductions (by mode and day, 30 days)")
    async def stats(self, uow: UnitOfWork, now: datetime, district: str | None = DISTRICT) -> Stats:
        district = districts.optional(district)
        trips, grams, active = await uow.trips.totals(district)
        citizens = await uow.citizens.count_active() if district is None else active
        since = shanghai_date(now) - timedelta(days=29)
        rows = await uow.trips.stats_by_day_mode(since, district)
        projects, stores, institutions = await uow.districts.places(district)
        return Stats(
            citizens=citizens,
            credited_trips=trips,
            reduction_g=grams,
            active_citizens=active,
            by_day_and_mode=[
                DayMode(date=d, mode=m, credited_trips=n, reduction_g=g) for d, m, n, g in rows
            ],
            district=district,
            projects=projects,
            stores=stores,
            public_institutions=institutions,
        )

    @get("/operators", summary="Transport operators whose trips earn points")
    async def operators(self, uow: UnitOfWork) -> list[OperatorRef]:
        rows = await uow.operators.list(after=None, limit=1000)
        return [OperatorRef(operator_id=o.id, name=o.name, kind=o.kind) for o in rows if o.active]

    @get("/methodologies", summary="Published (and retired) methodology versions")
    async def methodologies(self, uow: UnitOfWork) -> list[MethodologyOut]:
        return [out(v) for v in await uow.methodologies.all(statuses=("published", "retired"))]

    @get("/checkpoints", summary="Daily ledger checkpoints, newest first")
    async def list_checkpoints(
        self, uow: UnitOfWork, limit: int = LIMIT, before: date | None = None
    ) -> list[CheckpointOut]:
        rows = await checkpoints.recent(uow, limit, before)
        return [
            CheckpointOut(
                date=c.day,
                merkle_root=c.merkle_root,
                accounts=c.accounts,
                postings=c.postings,
                points_issued=c.points_issued,
                reduction_g=c.reduction_g,
                credited_trips=c.credited_trips,
                registry_movements=c.registry_movements,
                units_issued=c.units_issued,
                units_retired=c.units_retired,
                published_at=c.created_at,
            )
            for c in rows
        ]
