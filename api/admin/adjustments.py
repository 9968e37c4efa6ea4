"""/v1/admin/adjustments: manual points corrections, proposed by one staff member and decided by
another (both audited)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Controller, get, post
from litestar.params import Parameter

from api.schemas import CURSOR, LIMIT, Page, page_of
from api.security.auth import staff_guard
from domain.governance.audit import Actor
from domain.identity.principal import Role
from domain.persistence.tables import Adjustment
from domain.persistence.uow import UnitOfWork
from domain.points import adjustments

WRITE = staff_guard(Role.ADMIN, Role.OPERATIONS)
READ = staff_guard(Role.ADMIN, Role.OPERATIONS, Role.AUDITOR)


class AdjustmentIn(msgspec.Struct, forbid_unknown_fields=True):
    citizen_id: Annotated[str, msgspec.Meta(min_length=1, max_length=26)]
    points: Annotated[int, msgspec.Meta(ge=-1_000_000, le=1_000_000)]  # + credit, - debit
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]


class AdjustmentOut(msgspec.Struct):
    adjustment_id: str
    citizen_id: str
    points: int
    reason: str
    status: str  # proposed | approved | rejected
    proposed_by: str
    proposed_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    posting_id: str | None


def _out(a: Adjustment) -> AdjustmentOut:
    return AdjustmentOut(
        adjustment_id=a.id,
        citizen_id=a.citizen_id,
        points=a.points,
        reason=a.reason,
        status=a.status,
        proposed_by=a.proposed_by,
        proposed_at=a.proposed_at,
        decided_by=a.decided_by,
        decided_at=a.decided_at,
        posting_id=a.posting_id,
    )


class AdminAdjustmentController(Controller):
    path = "/v1/admin/adjustments"
    tags = ["admin"]
    security = [{"BearerToken": []}]

    @post("/", guards=[WRITE], summary="Propose a points adjustment")
    async def propose(
        self, data: AdjustmentIn, uow: UnitOfWork, actor: Actor, now: datetime
    ) -> AdjustmentOut:
        return _out(
            await adjustments.propose(uow, actor, data.citizen_id, data.points, data.reason, now)
        )

    @get("/", guards=[READ], summary="Adjustments, optionally by status")
    async def list_adjustments(
        self,
        uow: UnitOfWork,
        limit: int = LIMIT,
        cursor: str | None = CURSOR,
        status: str | None = Parameter(default=None, max_length=16),
    ) -> Page[AdjustmentOut]:
        rows = await uow.adjustments.list(status=status, after=cursor, limit=limit + 1)
        return page_of([_out(a) for a in rows], limit, lambda a: a.adjustment_id)

    @post(
        "/{adjustment_id:str}/approve",
        guards=[WRITE],
        status_code=200,
        summary="Approve (not your own)",
    )
    async def approve(
        self, adjustment_id: str, uow: UnitOfWork, actor: Actor, now: datetime
    ) -> AdjustmentOut:
        return _out(await adjustments.decide(uow, actor, adjustment_id, True, now))

    @post(
        "/{adjustment_id:str}/reject",
        guards=[WRITE],
        status_code=200,
        summary="Reject (not your own)",
    )
    async def reject(
        self, adjustment_id: str, uow: UnitOfWork, actor: Actor, now: datetime
    ) -> AdjustmentOut:
        return _out(await adjustments.decide(uow, actor, adjustment_id, False, now))
