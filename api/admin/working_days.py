"""/v1/admin/working-days: staff-added working days and holidays over the official calendar
(chinese_calendar), which the complaints' SLA clocks count; each change audited and applied to
the clocks still running (domain/governance/complaints_calendar.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec
from litestar import Controller, delete, get, put
from litestar.params import QueryParameter

from api.security.auth import staff_guard
from api.services import Services
from api.shared.complaints_filer import sla_days
from domain.errors import InvalidInput
from domain.governance import complaints_calendar, working_days
from domain.governance.audit import Actor
from domain.identity.principal import Role
from domain.persistence.tables import WorkingDayOverride
from domain.persistence.uow import UnitOfWork

WRITE = staff_guard(Role.ADMIN, Role.OPERATIONS)
READ = staff_guard(Role.ADMIN, Role.OPERATIONS, Role.AUDITOR)
FROM = QueryParameter(name="from", description="first day (Shanghai calendar)")
TO = QueryParameter(name="to", description="last day, at most 61 days after `from`")


class OverrideIn(msgspec.Struct, forbid_unknown_fields=True):
    working: bool  # true: a working day; false: a holiday
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class OverrideOut(msgspec.Struct):
    day: date
    working: bool
    reason: str
    created_by: str
    created_at: datetime


class DayOut(msgspec.Struct):
    day: date
    working: bool  # as the clocks count it
    official: bool  # as the official calendar (or Monday..Friday, for years it lacks) has it
    override: OverrideOut | None


def _out(row: WorkingDayOverride) -> OverrideOut:
    return OverrideOut(
        day=row.day,
        working=row.working,
        reason=row.reason,
        created_by=row.created_by,
        created_at=row.created_at,
    )


class AdminWorkingDayController(Controller):
    path = "/v1/admin/working-days"
    tags = ["admin"]
    security = [{"BearerToken": []}]

    @get("/", guards=[READ], summary="Each day from..to (at most 62): working or not, and why")
    async def calendar(
        self,
        uow: UnitOfWork,
        start: date = FROM,
        end: date = TO,
    ) -> list[DayOut]:
        if not 0 <= (end - start).days <= 61:
            raise InvalidInput("from..to: at most 62 days, from first", code="invalid_range")
        rows = {r.day: r for r in await uow.complaints.override_rows(start, end)}
        overrides = {d: r.working for d, r in rows.items()}
        days = [date.fromordinal(n) for n in range(start.toordinal(), end.toordinal() + 1)]
        return [
            DayOut(
                day=d,
                working=working_days.is_working(d, overrides),
                official=working_days.official_working(d),
                override=_out(rows[d]) if d in rows else None,
            )
            for d in days
        ]

    @put("/{day:date}", guards=[WRITE], summary="Declare a day working or a holiday")
    async def put_day(
        self,
        day: date,
        data: OverrideIn,
        uow: UnitOfWork,
        actor: Actor,
        services: Services,
        now: datetime,
    ) -> OverrideOut:
        row = await complaints_calendar.put(
            uow,
            actor,
            day,
            working=data.working,
            reason=data.reason,
            days=sla_days(services),
            now=now,
        )
        return _out(row)

    @delete("/{day:date}", guards=[WRITE], summary="Back to the official calendar for a day")
    async def remove_day(
        self, day: date, uow: UnitOfWork, actor: Actor, services: Services, now: datetime
    ) -> None:
        await complaints_calendar.remove(uow, actor, day, days=sla_days(services), now=now)


CONTROLLERS: list[type] = [AdminWorkingDayController]
