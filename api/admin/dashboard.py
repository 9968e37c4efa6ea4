"""/v1/admin/dashboard and /v1/admin/operators/{id}/reconciliation: figures for staff."""

from __future__ import annotations

from datetime import date, datetime

import msgspec
from litestar import Controller, get
from litestar.params import Parameter

from api.security.auth import staff_guard
from api.shared.reconciliation import DATE_PARAM, Reconciliation, StatusTotals
from domain.governance import dashboard
from domain.identity.principal import Role
from domain.persistence.uow import UnitOfWork

DAYS = Parameter(
    default=14, ge=1, le=dashboard.MAX_DAYS, description="Shanghai days ending today (1..90)"
)

DISTRICT = Parameter(
    default=None,
    max_length=32,
    description="cut by district (GET /v1/public/districts): trips by their origin station",
)


def _totals(figures: dashboard.StatusFigures) -> StatusTotals:
    return StatusTotals(**msgspec.structs.asdict(figures))


class AdminDashboardController(Controller):
    path = "/v1/admin"
    tags = ["admin"]
    guards = [staff_guard(Role.ADMIN, Role.OPERATIONS, Role.AUDITOR)]
    security = [{"BearerToken": []}]

    @get("/dashboard", summary="Trips, reductions, points, top offers and feeds per Shanghai day")
    async def show(
        self, uow: UnitOfWork, now: datetime, days: int = DAYS, district: str | None = DISTRICT
    ) -> dashboard.Dashboard:
        return await dashboard.dashboard(uow, now, days, district)

    @get(
        "/operators/{operator_id:str}/reconciliation",
        summary="An operator's reconciliation for a day (as the operator itself reads it)",
    )
    async def reconciliation(
        self, operator_id: str, uow: UnitOfWork, day: date = DATE_PARAM
    ) -> Reconciliation:
        statuses, total = await dashboard.reconciliation(uow, operator_id, day)
        return Reconciliation(
            operator_id=operator_id,
            date=day,
            timezone="Asia/Shanghai",
            statuses={s: _totals(f) for s, f in statuses.items()},
            total=_totals(total),
        )
