"""/v1/admin: offline-scan conflicts and the voucher signing keys."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Controller, get, post
from litestar.params import Parameter

from api.schemas import CURSOR, LIMIT, Page, page_of
from api.security.auth import staff_guard
from api.services import Services
from api.shared.keys import PublicKeyOut
from domain.governance.audit import Actor
from domain.identity.principal import Role
from domain.persistence.tables import RedemptionConflict
from domain.persistence.uow import UnitOfWork
from domain.vouchers import keys
from domain.vouchers.redemption import resolve_conflict

ADMIN = staff_guard(Role.ADMIN)
WRITE = staff_guard(Role.ADMIN, Role.OPERATIONS)
READ = staff_guard(Role.ADMIN, Role.OPERATIONS, Role.AUDITOR)


class ConflictOut(msgspec.Struct):
    conflict_id: str
    voucher_id: str
    merchant_id: str
    store_id: str | None
    staff_id: str
    scanned_at: datetime
    reason: str  # already_redeemed | expired | cancelled
    status: str  # open | resolved
    resolution: str | None
    resolved_by: str | None
    resolved_at: datetime | None
    created_at: datetime


class ResolutionIn(msgspec.Struct, forbid_unknown_fields=True):
    resolution: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]


def _conflict(c: RedemptionConflict) -> ConflictOut:
    return ConflictOut(
        conflict_id=c.id,
        voucher_id=c.voucher_id,
        merchant_id=c.merchant_id,
        store_id=c.store_id,
        staff_id=c.staff_id,
        scanned_at=c.scanned_at,
        reason=c.reason,
        status=c.status,
        resolution=c.resolution,
        resolved_by=c.resolved_by,
        resolved_at=c.resolved_at,
        created_at=c.created_at,
    )


class AdminVoucherController(Controller):
    path = "/v1/admin"
    tags = ["admin"]
    security = [{"BearerToken": []}]

    @get("/redemption-conflicts", guards=[READ], summary="Offline scans that came too late")
    async def conflicts(
        self,
        uow: UnitOfWork,
        limit: int = LIMIT,
        cursor: str | None = CURSOR,
        status: str | None = Parameter(default=None, max_length=16),
    ) -> Page[ConflictOut]:
        rows = await uow.vouchers.conflicts(status=status, after=cursor, limit=limit + 1)
        return page_of([_conflict(c) for c in rows], limit, lambda c: c.conflict_id)

    @post(
        "/redemption-conflicts/{conflict_id:str}/resolve",
        guards=[WRITE],
        status_code=200,
        summary="Record how a conflict was settled",
    )
    async def resolve(
        self, conflict_id: str, data: ResolutionIn, uow: UnitOfWork, actor: Actor, now: datetime
    ) -> ConflictOut:
        return _conflict(await resolve_conflict(uow, actor, conflict_id, data.resolution, now))

    @post("/voucher-keys", guards=[ADMIN], summary="Rotate the voucher signing key")
    async def rotate(
        self, uow: UnitOfWork, services: Services, actor: Actor, now: datetime
    ) -> PublicKeyOut:
        key = await keys.rotate(uow, services.protector, actor, now)
        services.keys.forget()
        return PublicKeyOut(key.key_id, "Ed25519", key.public_key, key.active, key.created_at)

    @post(
        "/voucher-keys/{key_id:str}/retire",
        guards=[ADMIN],
        status_code=204,
        summary="Stop accepting tokens of an old key",
    )
    async def retire(
        self, key_id: str, uow: UnitOfWork, services: Services, actor: Actor, now: datetime
    ) -> None:
        await keys.retire(uow, actor, key_id, now)
        services.keys.forget()
