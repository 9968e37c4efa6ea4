"""Demo only (registered when dev login is on): operator requests signed for the H5 page's
"link the demo card" and "simulate a trip" buttons. The page sends them to the operator API
itself, so the whole real path runs: signature, nonce, binding, crediting, live event."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Controller, post

from api.security.auth import citizen_guard
from api.services import Services
from demo.requests import SignedRequest, signed_request
from domain.identity.principal import Principal
from domain.persistence.uow import UnitOfWork


class DemoRequestIn(msgspec.Struct, forbid_unknown_fields=True):
    operator_id: Annotated[str, msgspec.Meta(min_length=1, max_length=26)]
    action: Annotated[str, msgspec.Meta(pattern="^(bind|trip)$")]
    external_account: Annotated[str, msgspec.Meta(min_length=4, max_length=64)]
    code: Annotated[str, msgspec.Meta(max_length=16)] | None = None


class DemoController(Controller):
    path = "/v1/dev"
    tags = ["demo"]
    guards = [citizen_guard]
    security = [{"BearerToken": []}]

    @post("/operator-requests", status_code=200, summary="Demo: a signed operator request")
    async def operator_request(
        self,
        data: DemoRequestIn,
        uow: UnitOfWork,
        services: Services,
        principal: Principal,
        now: datetime,
    ) -> SignedRequest:
        return await signed_request(
            uow,
            services.protector,
            services.networks,
            operator_id=data.operator_id,
            action=data.action,
            external_account=data.external_account,
            code=data.code,
            citizen_id=principal.id,
            now=now,
        )
