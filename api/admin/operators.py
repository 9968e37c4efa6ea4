"""/v1/admin/operators: create operators (secret shown once), rotate and revoke their keys."""

from __future__ import annotations

from datetime import datetime

import msgspec
from litestar import Controller, delete, get, post

from api.admin.schemas import (
    IssuedKeyOut,
    KeyOut,
    KeyRotate,
    OperatorCreate,
    OperatorCreated,
    OperatorDetail,
    OperatorOut,
)
from api.schemas import CURSOR, LIMIT, Page, page_of
from api.security.auth import staff_guard
from api.services import Services
from domain.errors import NotFound
from domain.governance.audit import Actor
from domain.identity.principal import Role
from domain.operators import service
from domain.persistence.tables import Operator
from domain.persistence.uow import UnitOfWork

WRITE = staff_guard(Role.ADMIN, Role.OPERATIONS)
READ = staff_guard(Role.ADMIN, Role.OPERATIONS, Role.AUDITOR)


def _out(op: Operator) -> OperatorOut:
    return OperatorOut(
        operator_id=op.id, name=op.name, kind=op.kind, active=op.active, created_at=op.created_at
    )


class AdminOperatorController(Controller):
    path = "/v1/admin/operators"
    tags = ["admin"]
    security = [{"BearerToken": []}]

    @post("/", guards=[WRITE], summary="Create an operator; its first key's secret is shown once")
    async def create(
        self, data: OperatorCreate, uow: UnitOfWork, services: Services, actor: Actor, now: datetime
    ) -> OperatorCreated:
        op, key = await service.create(
            uow, services.protector, actor, name=data.name, kind=data.kind, now=now
        )
        base = _out(op)
        return OperatorCreated(
            **msgspec.structs.asdict(base),
            key=IssuedKeyOut(key_id=key.key_id, secret=key.secret),
        )

    @get("/", guards=[READ], summary="List operators")
    async def list_operators(
        self,
        uow: UnitOfWork,
        limit: int = LIMIT,
        cursor: str | None = CURSOR,
    ) -> Page[OperatorOut]:
        rows = await uow.operators.list(after=cursor, limit=limit + 1)
        return page_of([_out(r) for r in rows], limit, lambda o: o.operator_id)

    @get("/{operator_id:str}", guards=[READ], summary="One operator with its keys (no secrets)")
    async def detail(self, operator_id: str, uow: UnitOfWork) -> OperatorDetail:
        op = await uow.operators.get(operator_id)
        if op is None:
            raise NotFound("no such operator", code="operator_not_found")
        keys = await uow.operators.all_keys(operator_id)
        base = _out(op)
        return OperatorDetail(
            **msgspec.structs.asdict(base),
            keys=[
                KeyOut(key_id=k.id, created_at=k.created_at, revoked_at=k.revoked_at) for k in keys
            ],
        )

    @post("/{operator_id:str}/keys", guards=[WRITE], summary="Rotate: issue a new key (shown once)")
    async def rotate(
        self,
        operator_id: str,
        uow: UnitOfWork,
        services: Services,
        actor: Actor,
        now: datetime,
        data: KeyRotate | None = None,
    ) -> IssuedKeyOut:
        revoke = data.revoke_others if data else False
        key = await service.rotate_key(
            uow, services.protector, actor, operator_id, revoke_others=revoke, now=now
        )
        return IssuedKeyOut(key_id=key.key_id, secret=key.secret)

    @delete("/{operator_id:str}/keys/{key_id:str}", guards=[WRITE], summary="Revoke a key")
    async def revoke(
        self, operator_id: str, key_id: str, uow: UnitOfWork, actor: Actor, now: datetime
    ) -> None:
        await service.revoke_key(uow, actor, operator_id, key_id, now)
