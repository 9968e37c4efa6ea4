"""/v1/admin/fund-pool: the fund pool's balance and movements, and payouts to merchants."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Response, get, post
from litestar.params import Parameter

from api.idempotent import IDEMPOTENCY_KEY, answered, replayed
from api.security.auth import staff_guard
from api.shared.fund_pool import FundPoolOut, fund_pool_out
from domain.governance.audit import Actor
from domain.identity.principal import Principal, Role
from domain.market import fund_pool
from domain.persistence.uow import UnitOfWork

WRITE = staff_guard(Role.ADMIN, Role.OPERATIONS)
READ = staff_guard(Role.ADMIN, Role.OPERATIONS, Role.AUDITOR)


class PayoutIn(msgspec.Struct, forbid_unknown_fields=True):
    merchant_id: Annotated[str, msgspec.Meta(min_length=1, max_length=26)]
    amount_fen: int
    reference: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class PayoutOut(msgspec.Struct):
    payout_id: str
    merchant_id: str
    amount_fen: int
    reference: str
    balance_after_fen: int  # what the pool holds after it
    paid_at: datetime


class AdminFundPoolController(Controller):
    path = "/v1/admin/fund-pool"
    tags = ["admin"]
    security = [{"BearerToken": []}]

    @get("/", guards=[READ], summary="The fund pool: balance, all in and out, latest movements")
    async def show(
        self,
        uow: UnitOfWork,
        limit: int = Parameter(default=fund_pool.MOVEMENTS, ge=1, le=200),
    ) -> FundPoolOut:
        return fund_pool_out(await fund_pool.summary(uow, limit=limit))

    @post("/payouts", guards=[WRITE], status_code=201, summary="Pay a merchant out of the pool")
    async def pay_out(
        self,
        data: PayoutIn,
        uow: UnitOfWork,
        principal: Principal,
        actor: Actor,
        now: datetime,
        idempotency_key: str = IDEMPOTENCY_KEY,
    ) -> Response[Any]:
        owner = f"staff:{principal.id}"
        first = await replayed(uow, owner, idempotency_key, "fund_pool.payout", data, now)
        if first is not None:
            return first
        paid = await fund_pool.pay_out(
            uow,
            actor,
            merchant_id=data.merchant_id,
            amount_fen=data.amount_fen,
            reference=data.reference,
            now=now,
        )
        return await answered(
            uow, owner, idempotency_key, 201, PayoutOut(**msgspec.structs.asdict(paid))
        )


CONTROLLERS: list[type] = [AdminFundPoolController]
