"""/v1/operators/{operator_id}/*: the signed machine API of transport operators."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import Provide
from litestar.status_codes import HTTP_200_OK

from api.operator.signature import provide_operator
from api.request import decode
from api.services import Services
from api.shared.reconciliation import DATE_PARAM, Reconciliation, StatusTotals
from domain.persistence.tables import Operator
from domain.persistence.uow import UnitOfWork
from domain.trips import bindings
from domain.trips.ingest import FeedOutcome, ingest_pushed


class SignatureCheck(msgspec.Struct):
    operator_id: str
    name: str
    kind: str
    signature: str = "valid"


class BindingIn(msgspec.Struct, forbid_unknown_fields=True):
    code: Annotated[str, msgspec.Meta(min_length=1, max_length=16)]
    external_account: Annotated[str, msgspec.Meta(min_length=1, max_length=128)]


class BindingOut(msgspec.Struct):
    binding_id: str
    citizen_ref: str
    pending_credited: int


class OperatorController(Controller):
    path = "/v1/operators/{operator_id:str}"
    tags = ["operator"]
    dependencies = {"operator": Provide(provide_operator)}
    security = [{"PuhuiHmac": []}]

    @get("/ping", summary="Check your request signing: answers 200 with your operator")
    async def ping(self, operator: Operator) -> SignatureCheck:
        return SignatureCheck(operator_id=operator.id, name=operator.name, kind=operator.kind)

    @post(
        "/trips",
        status_code=HTTP_200_OK,
        request_max_body_size=16 * 1024 * 1024,
        summary="Push a batch of at most 1000 trips (or raw metro taps); a result per record",
    )
    async def trips(
        self,
        request: Request,
        operator: Operator,
        uow: UnitOfWork,
        services: Services,
        now: datetime,
    ) -> FeedOutcome:
        body = decode(await request.body())  # NUL is left to each record's reader
        return await ingest_pushed(uow, services.intake, operator.id, operator.kind, body, now)

    @post("/bindings", status_code=HTTP_200_OK, summary="Link an account with a citizen's code")
    async def bind(
        self,
        data: BindingIn,
        operator: Operator,
        uow: UnitOfWork,
        services: Services,
        now: datetime,
    ) -> BindingOut:
        binding, credited = await bindings.bind(
            uow, services.protector, operator.id, data.code, data.external_account, now
        )
        ref = bindings.citizen_ref(services.protector, operator.id, binding.citizen_id)
        return BindingOut(binding_id=binding.id, citizen_ref=ref, pending_credited=credited)

    @get("/reconciliation", summary="Counts and sums per status for trips that ended that day")
    async def reconciliation(
        self,
        operator: Operator,
        uow: UnitOfWork,
        day: date = DATE_PARAM,
    ) -> Reconciliation:
        rows = await uow.trips.reconciliation(operator.id, day)
        statuses = {
            s: StatusTotals(trips=n, distance_m=d, reduction_g=g, points=p)
            for s, n, d, g, p in rows
        }
        total = StatusTotals(
            trips=sum(t.trips for t in statuses.values()),
            distance_m=sum(t.distance_m for t in statuses.values()),
            reduction_g=sum(t.reduction_g for t in statuses.values()),
            points=sum(t.points for t in statuses.values()),
        )
        return Reconciliation(
            operator_id=operator.id,
            date=day,
            timezone="Asia/Shanghai",
            statuses=statuses,
            total=total,
        )
