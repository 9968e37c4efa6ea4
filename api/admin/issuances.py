"""/v1/admin/issuances: proposed by one staff member, approved (or rejected) by another."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from litestar import Controller, get, post
from litestar.params import Parameter

from api import cursors
from api.schemas import CURSOR, LIMIT, Page, page_of
from api.security.auth import staff_guard
from domain.governance.audit import Actor
from domain.identity.principal import Role
from domain.persistence.tables import Issuance
from domain.persistence.uow import UnitOfWork
from domain.registry import issuance

WRITE = staff_guard(Role.ADMIN, Role.OPERATIONS)
READ = staff_guard(Role.ADMIN, Role.OPERATIONS, Role.AUDITOR)
Id = Annotated[str, msgspec.Meta(min_length=1, max_length=26)]


class IssuanceIn(msgspec.Struct, forbid_unknown_fields=True):
    """Exactly one of the two."""

    report_id: Id | None = None
    aggregation_id: Id | None = None


class RejectIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]


class IssuanceOut(msgspec.Struct):
    issuance_id: str
    report_id: str | None
    aggregation_id: str | None
    project_code: str
    issuance_no: int | None
    vintage: int
    unit_class: str
    quantity: int
    account_id: str
    status: str  # proposed | issued | rejected
    proposed_by: str
    proposed_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    reason: str | None
    serial_range: str | None  # the issued block, NJ-{class}-{vintage}-{code}-{no}-1-{quantity}


def _out(i: Issuance) -> IssuanceOut:
    prefix = f"NJ-{i.unit_class}-{i.vintage}-{i.project_code}-{i.issuance_no}"
    return IssuanceOut(
        issuance_id=i.id,
        report_id=i.report_id,
        aggregation_id=i.aggregation_id,
        project_code=i.project_code,
        issuance_no=i.issuance_no,
        vintage=i.vintage,
        unit_class=i.unit_class,
        quantity=i.quantity,
        account_id=i.account_id,
        status=i.status,
        proposed_by=i.proposed_by,
        proposed_at=i.proposed_at,
        decided_by=i.decided_by,
        decided_at=i.decided_at,
        reason=i.reason,
        serial_range=f"{prefix}-1-{i.quantity}" if i.issuance_no else None,
    )


class AdminIssuanceController(Controller):
    path = "/v1/admin/issuances"
    tags = ["admin"]
    security = [{"BearerToken": []}]

    @post("/", guards=[WRITE], status_code=201, summary="Propose an issuance")
    async def propose(
        self, data: IssuanceIn, uow: UnitOfWork, actor: Actor, now: datetime
    ) -> IssuanceOut:
        return _out(
            await issuance.propose(
                uow, actor, report_id=data.report_id, aggregation_id=data.aggregation_id, now=now
            )
        )

    @get("/", guards=[READ], summary="Issuances, oldest proposal first, optionally by status")
    async def list_issuances(
        self,
        uow: UnitOfWork,
        limit: int = LIMIT,
        cursor: str | None = CURSOR,
        status: Literal["proposed", "issued", "rejected"] | None = Parameter(default=None),
    ) -> Page[IssuanceOut]:
        after = cursors.decode_id(cursor)
        rows = await uow.registry.issuances(status=status, after=after, limit=limit + 1)
        return page_of([_out(i) for i in rows], limit, _cursor)

    @get("/{issuance_id:str}", guards=[READ], summary="One issuance")
    async def one(self, issuance_id: str, uow: UnitOfWork) -> IssuanceOut:
        return _out(await issuance.get(uow, issuance_id))

    @post("/{issuance_id:str}/approve", guards=[WRITE], status_code=200, summary="Approve")
    async def approve(
        self, issuance_id: str, uow: UnitOfWork, actor: Actor, now: datetime
    ) -> IssuanceOut:
        return _out(await issuance.decide(uow, actor, issuance_id, approve=True, now=now))

    @post("/{issuance_id:str}/reject", guards=[WRITE], status_code=200, summary="Reject")
    async def reject(
        self, issuance_id: str, data: RejectIn, uow: UnitOfWork, actor: Actor, now: datetime
    ) -> IssuanceOut:
        return _out(
            await issuance.decide(
                uow, actor, issuance_id, approve=False, reason=data.reason, now=now
            )
        )


def _cursor(item: IssuanceOut) -> str:
    return cursors.encode(item.issuance_id)


CONTROLLERS: list[type] = [AdminIssuanceController]
