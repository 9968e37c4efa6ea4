"""POST /v1/registry/transfers: move units between holding accounts (Idempotency-Key)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import Controller, Response, post

from api.idempotent import answered, replayed
from api.registry.schemas import IDEMPOTENCY_KEY, TransferIn, TransferOut
from api.security.auth import staff_guard
from domain.governance.audit import Actor
from domain.identity.principal import Principal, Role
from domain.persistence.uow import UnitOfWork
from domain.registry import transfers

MOVE = staff_guard(Role.ORG, Role.VERIFIER, Role.ADMIN, Role.OPERATIONS)


def key_owner(principal: Principal) -> str:
    """Whose idempotency keys these are: the calling member or staff member."""
    return f"staff:{principal.id}"


class TransferController(Controller):
    path = "/v1/registry/transfers"
    tags = ["registry"]
    security = [{"BearerToken": []}]

    @post("/", guards=[MOVE], status_code=201, summary="Transfer units to another account")
    async def transfer(
        self,
        data: TransferIn,
        uow: UnitOfWork,
        principal: Principal,
        actor: Actor,
        now: datetime,
        idempotency_key: str | None = IDEMPOTENCY_KEY,
    ) -> Response[Any]:
        owner = key_owner(principal)
        first = await replayed(uow, owner, idempotency_key, "registry.transfer", data, now)
        if first is not None:
            return first
        moved = await transfers.transfer(
            uow,
            principal,
            actor,
            from_account=data.from_account,
            to_account=data.to_account,
            quantity=data.quantity,
            serials=data.serials,
            now=now,
        )
        out = TransferOut(
            transfer_id=moved.id,
            from_account=data.from_account,
            to_account=moved.to_account,
            quantity=moved.quantity,
            serial_ranges=moved.serial_ranges,
            created_at=moved.created_at,
        )
        return await answered(uow, owner, idempotency_key, 201, out)


CONTROLLERS: list[type] = [TransferController]
