"""/v1/me/binding-codes and /v1/me/bindings: linking operator accounts."""

from __future__ import annotations

from datetime import datetime

from litestar import Controller, delete, get, post

from api.citizen.schemas import BindingCodeIn, BindingCodeOut, BindingOut
from api.security.auth import citizen_guard
from domain.identity.principal import Principal
from domain.persistence.uow import UnitOfWork
from domain.trips import bindings


class BindingController(Controller):
    path = "/v1/me"
    tags = ["citizen"]
    guards = [citizen_guard]
    security = [{"BearerToken": []}]

    @post("/binding-codes", summary="A one-time code (10 min) to show in the operator's app")
    async def code(
        self, data: BindingCodeIn, uow: UnitOfWork, principal: Principal, now: datetime
    ) -> BindingCodeOut:
        issued = await bindings.issue_code(uow, principal.id, data.operator_id, now)
        return BindingCodeOut(
            code=issued.code, expires_at=issued.expires_at, operator_id=issued.operator_id
        )

    @get("/bindings", summary="My linked accounts (masked)")
    async def list_bindings(self, uow: UnitOfWork, principal: Principal) -> list[BindingOut]:
        rows = await uow.bindings.of_citizen(principal.id)
        kinds = {b.operator_id: None for b in rows}
        for operator_id in kinds:
            op = await uow.operators.get(operator_id)
            kinds[operator_id] = op.kind if op else "unknown"
        return [
            BindingOut(
                binding_id=b.id,
                operator_id=b.operator_id,
                mode=kinds[b.operator_id],
                account_hint=b.account_hint,
                bound_at=b.bound_at,
            )
            for b in rows
        ]

    @delete("/bindings/{binding_id:str}", summary="Unlink: later trips are no longer credited")
    async def unlink(
        self, binding_id: str, uow: UnitOfWork, principal: Principal, now: datetime
    ) -> None:
        await bindings.unbind(uow, principal.id, binding_id, now)
