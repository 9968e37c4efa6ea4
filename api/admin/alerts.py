"""/v1/admin/alerts: supervision findings (domain/supervision/) with their evidence; staff
acknowledge and resolve them, or run the detectors now."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, get, post
from litestar.params import Parameter

from api.schemas import CURSOR, LIMIT, Page, page_of
from api.security.auth import staff_guard
from api.services import Services
from api.settings import alert_thresholds
from domain.governance.audit import Actor
from domain.identity.principal import Role
from domain.persistence.tables import Alert
from domain.persistence.uow import UnitOfWork
from domain.supervision import alerts, detectors

WRITE = staff_guard(Role.ADMIN, Role.OPERATIONS)
READ = staff_guard(Role.ADMIN, Role.OPERATIONS, Role.AUDITOR)
Note = Annotated[str, msgspec.Meta(min_length=1, max_length=alerts.MAX_NOTE)]


class AlertOut(msgspec.Struct):
    alert_id: str
    kind: str
    subject_type: str
    subject_id: str
    summary: str
    evidence: dict[str, Any]
    status: str  # open | acknowledged | resolved
    raised_at: datetime
    acknowledged_by: str | None
    acknowledged_at: datetime | None
    acknowledge_note: str | None
    resolved_by: str | None
    resolved_at: datetime | None
    resolution: str | None


class AcknowledgeIn(msgspec.Struct, forbid_unknown_fields=True):
    note: Note | None = None


class ResolveIn(msgspec.Struct, forbid_unknown_fields=True):
    note: Note  # what was found and done


class ScanOut(msgspec.Struct):
    raised: dict[str, int]  # alerts newly raised, per kind


def out(a: Alert) -> AlertOut:
    return AlertOut(
        alert_id=a.id,
        kind=a.kind,
        subject_type=a.subject_type,
        subject_id=a.subject_id,
        summary=a.summary,
        evidence=a.evidence,
        status=a.status,
        raised_at=a.raised_at,
        acknowledged_by=a.acknowledged_by,
        acknowledged_at=a.acknowledged_at,
        acknowledge_note=a.acknowledge_note,
        resolved_by=a.resolved_by,
        resolved_at=a.resolved_at,
        resolution=a.resolution,
    )


class AdminAlertController(Controller):
    path = "/v1/admin/alerts"
    tags = ["admin"]
    security = [{"BearerToken": []}]

    @get("/", guards=[READ], summary="Supervision alerts, newest first")
    async def list_alerts(
        self,
        uow: UnitOfWork,
        status: Literal["open", "acknowledged", "resolved"] | None = None,
        kind: str | None = Parameter(default=None, max_length=32, description="alert kind"),
        limit: int = LIMIT,
        cursor: str | None = CURSOR,
    ) -> Page[AlertOut]:
        rows = await alerts.listing(uow, status=status, kind=kind, after=cursor, limit=limit + 1)
        return page_of([out(a) for a in rows], limit, lambda a: a.alert_id)

    @get("/{alert_id:str}", guards=[READ], summary="One alert with its evidence")
    async def detail(self, alert_id: str, uow: UnitOfWork) -> AlertOut:
        return out(await alerts.get(uow, alert_id))

    @post("/{alert_id:str}/acknowledge", guards=[WRITE], summary="open -> acknowledged")
    async def acknowledge(
        self,
        alert_id: str,
        uow: UnitOfWork,
        actor: Actor,
        now: datetime,
        data: AcknowledgeIn | None = None,
    ) -> AlertOut:
        note = data.note if data is not None else None
        return out(await alerts.acknowledge(uow, actor, alert_id, note, now))

    @post("/{alert_id:str}/resolve", guards=[WRITE], summary="-> resolved, with a note")
    async def resolve(
        self, alert_id: str, data: ResolveIn, uow: UnitOfWork, actor: Actor, now: datetime
    ) -> AlertOut:
        return out(await alerts.resolve(uow, actor, alert_id, data.note, now))

    @post("/scan", guards=[WRITE], summary="Run every detector now (the job does every 5 min)")
    async def scan(
        self, uow: UnitOfWork, actor: Actor, now: datetime, services: Services
    ) -> ScanOut:
        thresholds = alert_thresholds(services.settings)
        return ScanOut(raised=await detectors.scan(uow, actor, now, thresholds))


CONTROLLERS: list[type] = [AdminAlertController]
