"""/v1/me: the citizen's own account, consent, export and erasure."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import Controller, Response, delete, get, put
from litestar.status_codes import HTTP_204_NO_CONTENT

from api.citizen.schemas import (
    ConsentIn,
    ConsentOut,
    ExpiringPoints,
    MeOut,
    PointsOut,
    ReductionsOut,
)
from api.security.auth import citizen_guard
from domain.identity import citizens
from domain.identity.principal import Principal
from domain.persistence.tables import Citizen
from domain.persistence.uow import UnitOfWork
from domain.points.summary import summary


async def _me(uow: UnitOfWork, citizen: Citizen, now: datetime) -> MeOut:
    consent = None
    if citizen.consent_version is not None and citizen.consent_given_at is not None:
        consent = ConsentOut(version=citizen.consent_version, given_at=citizen.consent_given_at)
    s = await summary(uow, citizen.id, now)
    return MeOut(
        citizen_id=citizen.id,
        consent=consent,
        points=PointsOut(
            balance=s.balance,
            expiring=[ExpiringPoints(points=x.points, expires_at=x.expires_at) for x in s.expiring],
            lots=[ExpiringPoints(points=x.points, expires_at=x.expires_at) for x in s.lots],
        ),
        reductions=ReductionsOut(total_g=s.total_g, today_g=s.today_g),
        bindings_count=s.bindings_count,
    )


class MeController(Controller):
    path = "/v1/me"
    tags = ["citizen"]
    guards = [citizen_guard]
    security = [{"BearerToken": []}]

    @get("/", summary="The calling citizen's account")
    async def me(self, uow: UnitOfWork, principal: Principal, now: datetime) -> MeOut:
        return await _me(uow, await citizens.active(uow, principal.id), now)

    @put("/consent", summary="Give (or update) consent to the privacy terms of a version")
    async def consent(
        self, data: ConsentIn, uow: UnitOfWork, principal: Principal, now: datetime
    ) -> MeOut:
        return await _me(
            uow, await citizens.give_consent(uow, principal.id, data.version, now), now
        )

    @get("/export", summary="Everything held about me, as JSON")
    async def export(self, uow: UnitOfWork, principal: Principal) -> Response[dict[str, Any]]:
        data = await citizens.export(uow, principal.id)
        return Response(
            content=data,
            headers={"Content-Disposition": 'attachment; filename="puhui-export.json"'},
        )

    @delete(
        "/", status_code=HTTP_204_NO_CONTENT, summary="Erase my identifiers and end my sessions"
    )
    async def erase(self, uow: UnitOfWork, principal: Principal, now: datetime) -> None:
        await citizens.erase(uow, principal.id, now)  # ends every session of the citizen
