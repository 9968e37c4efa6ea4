"""/v1/admin/aggregations: citizens' credited Class I grams of a Shanghai month or quarter as
whole tonnes, with the trips and grams behind them and their reconciliation with the ledger."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, get, post
from litestar.params import Parameter

from api.schemas import CURSOR, LIMIT, Page, page_of
from api.security.auth import staff_guard
from domain.governance.audit import Actor
from domain.identity.principal import Role
from domain.persistence.tables import Aggregation
from domain.persistence.uow import UnitOfWork
from domain.registry import aggregation as aggregations
from domain.registry.aggregation_ledger import Reconciliation, reconcile

WRITE = staff_guard(Role.ADMIN, Role.OPERATIONS)
READ = staff_guard(Role.ADMIN, Role.OPERATIONS, Role.AUDITOR)
Code = Annotated[str, msgspec.Meta(pattern=r"^[A-Z0-9][A-Z0-9-]{1,31}$")]


class AggregationIn(msgspec.Struct, forbid_unknown_fields=True):
    methodology_code: Code
    period_start: date  # the first day of a Shanghai month or quarter
    period_end: date  # its last day, included


class Figures(msgspec.Struct):
    """Credited trips and their grams, and the reversed ones subtracted, apart."""

    trips: int
    grams: int
    reversed_trips: int
    reversed_g: int


class ModeFigures(Figures):
    mode: str


class DayFigures(Figures):
    day: date  # Asia/Shanghai, the day of crediting (or of the reversal)


class AggregationOut(msgspec.Struct):
    aggregation_id: str
    methodology_code: str
    period_kind: str  # month | quarter
    period_start: date
    period_end: date
    vintage: int
    trips: int  # credited less reversed
    grams: int  # credited less reversed: the period's own
    carried_in_g: int
    tonnes: int  # (grams + carried_in_g) // 1,000,000
    carried_out_g: int
    lapsed_carry_g: int  # a remainder from two or more years back, lapsed, not carried in
    by_mode: list[ModeFigures]
    by_day: list[DayFigures]
    created_by: str | None
    created_at: datetime
    reconciliation: Reconciliation | None  # detail and creation only


def _figures(raw: dict[str, Any]) -> dict[str, int]:
    return {k: int(raw.get(k, 0)) for k in ("trips", "grams", "reversed_trips", "reversed_g")}


def _out(a: Aggregation, check: Reconciliation | None = None) -> AggregationOut:
    return AggregationOut(
        aggregation_id=a.id,
        methodology_code=a.methodology_code,
        period_kind=a.period_kind,
        period_start=a.period_start,
        period_end=a.period_end,
        vintage=a.vintage,
        trips=a.trips,
        grams=a.grams,
        carried_in_g=a.carried_in_g,
        tonnes=a.tonnes,
        carried_out_g=a.carried_out_g,
        lapsed_carry_g=int(a.breakdown.get("lapsed_carry_g", 0)),
        by_mode=[ModeFigures(mode=m, **_figures(f)) for m, f in a.breakdown["by_mode"].items()],
        by_day=[
            DayFigures(day=date.fromisoformat(d), **_figures(f))
            for d, f in a.breakdown["by_day"].items()
        ],
        created_by=a.created_by,
        created_at=a.created_at,
        reconciliation=check,
    )


class AdminAggregationController(Controller):
    path = "/v1/admin/aggregations"
    tags = ["admin"]
    security = [{"BearerToken": []}]

    @post("/", guards=[WRITE], summary="Aggregate a past month or quarter of a Class I code")
    async def create(
        self, data: AggregationIn, uow: UnitOfWork, actor: Actor, now: datetime
    ) -> AggregationOut:
        a = await aggregations.aggregate(
            uow, actor, data.methodology_code, data.period_start, data.period_end, now
        )
        return _out(a, await reconcile(uow, a))

    @get("/", guards=[READ], summary="Aggregations, optionally of one methodology code")
    async def list_aggregations(
        self,
        uow: UnitOfWork,
        limit: int = LIMIT,
        cursor: str | None = CURSOR,
        methodology_code: str | None = Parameter(default=None, max_length=32),
    ) -> Page[AggregationOut]:
        rows = await uow.aggregations.list(code=methodology_code, after=cursor, limit=limit + 1)
        return page_of([_out(a) for a in rows], limit, lambda a: a.aggregation_id)

    @get("/{aggregation_id:str}", guards=[READ], summary="One aggregation, reconciled")
    async def detail(self, aggregation_id: str, uow: UnitOfWork) -> AggregationOut:
        a = await aggregations.get(uow, aggregation_id)
        return _out(a, await reconcile(uow, a))


CONTROLLERS: list[type] = [AdminAggregationController]
