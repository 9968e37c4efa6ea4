"""/v1/admin/payment-reconciliation: the mismatches the daily reconciliation of our payments
against the WeChat Pay trade bill found (domain/market/reconciliation.py), newest first with
their days' runs; staff resolve them (settle through WeChat Pay, or a note) and may run a day
again. Not to be confused with an operator's trip reconciliation (api/shared/reconciliation.py).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec
from litestar import Controller, get, post
from litestar.params import Parameter

from api import cursors
from api.schemas import CURSOR, LIMIT
from api.security.auth import staff_guard
from api.services import Services
from domain.governance.audit import Actor
from domain.identity.principal import Role
from domain.market import reconciliation
from domain.persistence.tables import ReconciliationItem, ReconciliationRun
from domain.persistence.uow import UnitOfWork

WRITE = staff_guard(Role.ADMIN, Role.OPERATIONS)
READ = staff_guard(Role.ADMIN, Role.OPERATIONS, Role.AUDITOR)
DAY = Parameter(default=None, description="only this Beijing day, YYYY-MM-DD")


class ResolveIn(msgspec.Struct, forbid_unknown_fields=True):
    """`settle`: ask WeChat Pay and settle the order (a `missing_here` whose order is pending
    or closed); `note`: resolved as the note says (required then)."""

    action: Literal["settle", "note"]
    note: Annotated[str, msgspec.Meta(max_length=1000)] = ""


class RunIn(msgspec.Struct, forbid_unknown_fields=True):
    day: date  # a Beijing calendar day, YYYY-MM-DD


class RunOut(msgspec.Struct):
    run_id: str
    day: date
    bill_rows: int  # lines of the WeChat Pay trade bill
    our_rows: int  # our payments and refunds of the day
    matched: int
    items: int  # mismatches this run found
    ran_by: str
    ran_at: datetime


class ItemOut(msgspec.Struct):
    item_id: str
    day: date
    kind: str  # missing_here | amount_differs | missing_there | refund_* | unexpected_line
    order_no: str
    transaction_id: str | None
    order_status: str | None  # our order's status when found; null: no such order
    bill_fen: int | None
    our_fen: int | None
    detail: str
    status: str  # open | resolved
    settleable: bool  # `settle` applies (a payment there, an order pending or closed here)
    found_at: datetime
    resolution: str | None  # settle | note | cleared (a later run found it gone)
    outcome: str | None  # what settling did: delivered, paid_late, already_settled ...
    note: str | None
    resolved_by: str | None
    resolved_at: datetime | None


class ReconciliationPage(msgspec.Struct):
    items: list[ItemOut]
    next_cursor: str | None
    runs: list[RunOut]  # the latest run of each day listed (or of `day`, or the latest run)


def run_out(r: ReconciliationRun) -> RunOut:
    return RunOut(
        run_id=r.id,
        day=r.day,
        bill_rows=r.bill_rows,
        our_rows=r.our_rows,
        matched=r.matched,
        items=r.items,
        ran_by=r.ran_by,
        ran_at=r.ran_at,
    )


def item_out(i: ReconciliationItem) -> ItemOut:
    return ItemOut(
        item_id=i.id,
        day=i.day,
        kind=i.kind,
        order_no=i.order_no,
        transaction_id=i.transaction_id,
        order_status=i.order_status,
        bill_fen=i.bill_fen,
        our_fen=i.our_fen,
        detail=i.detail,
        status=i.status,
        settleable=i.status == "open"
        and i.kind == "missing_here"
        and i.order_status in reconciliation.SETTLEABLE,
        found_at=i.found_at,
        resolution=i.resolution,
        outcome=i.outcome,
        note=i.note,
        resolved_by=i.resolved_by,
        resolved_at=i.resolved_at,
    )


class AdminPaymentReconciliationController(Controller):
    path = "/v1/admin/payment-reconciliation"
    tags = ["admin"]
    security = [{"BearerToken": []}]

    @get("/", guards=[READ], summary="Reconciliation items, newest first, with their days' runs")
    async def list_items(
        self,
        uow: UnitOfWork,
        limit: int = LIMIT,
        cursor: str | None = CURSOR,
        status: Literal["open", "resolved"] | None = Parameter(default=None),
        day: date | None = DAY,
    ) -> ReconciliationPage:
        before = cursors.decode_id(cursor)
        rows = await uow.reconciliation.items(
            status=status, day=day, before=before, limit=limit + 1
        )
        more, rows = len(rows) > limit, rows[:limit]
        days = {r.day for r in rows} | ({day} if day else set())
        runs = await uow.reconciliation.latest_runs(days)
        if not runs and day is None and (latest := await uow.reconciliation.latest_run()):
            runs = [latest]
        return ReconciliationPage(
            items=[item_out(r) for r in rows],
            next_cursor=cursors.encode(rows[-1].id) if more and rows else None,
            runs=[run_out(r) for r in runs],
        )

    @post(
        "/items/{item_id:str}/resolve",
        guards=[WRITE],
        status_code=200,
        summary="Resolve an item: settle it through WeChat Pay, or with a note (audited)",
    )
    async def resolve(
        self,
        item_id: str,
        data: ResolveIn,
        uow: UnitOfWork,
        services: Services,
        actor: Actor,
        now: datetime,
    ) -> ItemOut:
        item = await reconciliation.resolve(
            uow, services.payments, actor, item_id, action=data.action, note=data.note, now=now
        )
        return item_out(item)

    @post("/runs", guards=[WRITE], status_code=201, summary="Reconcile a day again (audited)")
    async def run_day(
        self, data: RunIn, uow: UnitOfWork, services: Services, actor: Actor, now: datetime
    ) -> RunOut:
        run = await reconciliation.run_again(uow, services.payments, actor, data.day, now)
        return run_out(run)
