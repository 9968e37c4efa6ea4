"""POST /v1/registry/retirements: retire units for a beneficiary and a purpose (Idempotency-Key)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import Controller, Response, post

from api.idempotent import answered, replayed
from api.registry.schemas import IDEMPOTENCY_KEY, RetirementIn, RetirementOut
from api.registry.transfers import MOVE, key_owner
from domain.governance.audit import Actor
from domain.identity.principal import Principal
from domain.persistence.tables import Retirement
from domain.persistence.uow import UnitOfWork
from domain.registry import retirements


def retirement_out(r: Retirement) -> RetirementOut:
    return RetirementOut(
        retirement_id=r.id,
        account=r.account_id,
        quantity=r.quantity,
        beneficiary=r.beneficiary,
        purpose=r.purpose,
        details=r.details,
        status=r.status,
        serial_ranges=r.serial_ranges,
        certificate_url=retirements.certificate_url(r.id),
        created_at=r.created_at,
    )


class RetirementController(Controller):
    path = "/v1/registry/retirements"
    tags = ["registry"]
    security = [{"BearerToken": []}]

    @post("/", guards=[MOVE], status_code=201, summary="Retire units (final)")
    async def retire(
        self,
        data: RetirementIn,
        uow: UnitOfWork,
        principal: Principal,
        actor: Actor,
        now: datetime,
        idempotency_key: str | None = IDEMPOTENCY_KEY,
    ) -> Response[Any]:
        owner = key_owner(principal)
        first = await replayed(uow, owner, idempotency_key, "registry.retire", data, now)
        if first is not None:
            return first
        retired = await retirements.retire(
            uow,
            principal,
            actor,
            account=data.account,
            quantity=data.quantity,
            beneficiary=data.beneficiary,
            purpose=data.purpose,
            details=data.details,
            serials=data.serials,
            now=now,
        )
        return await answered(uow, owner, idempotency_key, 201, retirement_out(retired))


CONTROLLERS: list[type] = [RetirementController]
