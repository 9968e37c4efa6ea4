"""/v1/me/institution: the public institution the citizen counts their reductions towards.

Joining takes an invite code from the institution (POST), counts from then on, and replaces the
institution joined before; DELETE leaves. Attempts are limited per citizen (5 a minute), so codes
cannot be guessed by trying them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Controller, delete, get, post
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT

from api.security.auth import citizen_guard
from api.services import Services
from domain.errors import TooManyAttempts
from domain.identity.principal import Principal
from domain.organisations import institutions
from domain.persistence.uow import UnitOfWork


class JoinIn(msgspec.Struct, forbid_unknown_fields=True):
    code: Annotated[str, msgspec.Meta(min_length=1, max_length=32, examples=["K7QM-3XPA"])]


class MyInstitutionRef(msgspec.Struct):
    organisation_id: str
    name: str
    district: str | None
    joined_at: datetime
    credited_trips: int  # your own credited trips that ended since you joined
    reduction_g: int


class MyInstitutionOut(msgspec.Struct):
    institution: MyInstitutionRef | None  # None: not a member of any


def _out(joined: institutions.Joined | None) -> MyInstitutionOut:
    if joined is None:
        return MyInstitutionOut(institution=None)
    return MyInstitutionOut(
        institution=MyInstitutionRef(
            organisation_id=joined.organisation.id,
            name=joined.organisation.name,
            district=joined.organisation.district,
            joined_at=joined.membership.joined_at,
            credited_trips=joined.mine.credited_trips,
            reduction_g=joined.mine.reduction_g,
        )
    )


class MyInstitutionController(Controller):
    path = "/v1/me/institution"
    tags = ["citizen"]
    guards = [citizen_guard]
    security = [{"BearerToken": []}]

    @get("/", summary="The public institution I count my reductions towards (if any)")
    async def show(self, uow: UnitOfWork, principal: Principal) -> MyInstitutionOut:
        return _out(await institutions.mine(uow, principal.id))

    @post(
        "/",
        status_code=HTTP_200_OK,
        summary="Join a public institution with its invite code (from now on)",
    )
    async def join(
        self,
        data: JoinIn,
        uow: UnitOfWork,
        principal: Principal,
        services: Services,
        now: datetime,
    ) -> MyInstitutionOut:
        try:
            await services.login_limits.hit("invite code", principal.id)
        except TooManyAttempts as exc:
            raise TooManyAttempts(
                "too many invite codes tried in a minute; wait",
                code="too_many_invite_codes",
                **exc.extra,
            ) from None
        return _out(await institutions.join(uow, principal.id, data.code, now))

    @delete("/", status_code=HTTP_204_NO_CONTENT, summary="Leave the institution (from now on)")
    async def leave(self, uow: UnitOfWork, principal: Principal, now: datetime) -> None:
        await institutions.leave(uow, principal.id, now)
