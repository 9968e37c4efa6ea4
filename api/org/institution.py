"""/v1/org/invite-codes and /v1/org/institution: a public institution's invite codes (issued
and revoked by its admin members) and its members' totals and rank (aggregates only)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Controller, get, post
from litestar.params import Parameter
from litestar.status_codes import HTTP_200_OK

from api.security.auth import staff_guard
from api.services import Services
from domain.governance.audit import Actor
from domain.identity.principal import Principal, Role
from domain.organisations import institutions
from domain.persistence.tables import InstitutionInviteCode
from domain.persistence.uow import UnitOfWork

ORG = staff_guard(Role.ORG)
CODES_LIMIT = Parameter(default=100, ge=1, le=500, description="newest first, at most 500")


class InviteCodeIn(msgspec.Struct, forbid_unknown_fields=True):
    """Both optional: `max_uses` 1..100,000 joins; `expires_at` in the future, within 366 days."""

    max_uses: Annotated[int, msgspec.Meta(ge=1, le=institutions.MAX_USES)] | None = None
    expires_at: datetime | None = None


class InviteCodeOut(msgspec.Struct):
    invite_code_id: str
    code: str  # 8 characters; staff enter it in the mini-app (POST /v1/me/institution)
    status: str  # active | expired | used_up | revoked
    uses: int
    max_uses: int | None
    expires_at: datetime | None
    revoked_at: datetime | None
    created_at: datetime


class FiguresOut(msgspec.Struct):
    credited_trips: int
    reduction_g: int


class StandingOut(msgspec.Struct):
    rank_by_total: int | None  # 1 = most grams while members; ties share a rank
    rank_by_per_member: int | None  # by grams per current member
    institutions: int  # active public institutions ranked (those with enough members)
    per_member_g: int | None


class InstitutionOut(msgspec.Struct):
    """Figures are null (withheld) while fewer than `withheld_below_members` are members now;
    `this_month` also while fewer than that many have been members since the month began."""

    organisation_id: str
    name: str
    district: str | None
    members: int  # members now
    members_ever: int
    this_month: FiguresOut | None  # Shanghai calendar month, trips ended while members
    all_time: FiguresOut | None
    standing: StandingOut
    withheld_below_members: int  # PUHUI_INSTITUTION_MIN_MEMBERS


def figures_out(f: institutions.Figures | None) -> FiguresOut | None:
    return None if f is None else FiguresOut(**msgspec.structs.asdict(f))


def code_out(c: InstitutionInviteCode, now: datetime) -> InviteCodeOut:
    return InviteCodeOut(
        invite_code_id=c.id,
        code=c.code,
        status=institutions.status(c, now),
        uses=c.uses,
        max_uses=c.max_uses,
        expires_at=c.expires_at,
        revoked_at=c.revoked_at,
        created_at=c.created_at,
    )


class OrgInviteCodeController(Controller):
    path = "/v1/org/invite-codes"
    tags = ["org"]
    guards = [ORG]
    security = [{"BearerToken": []}]

    @post("/", summary="Issue an invite code for staff to join (public institutions, admins)")
    async def issue(
        self,
        data: InviteCodeIn,
        uow: UnitOfWork,
        actor: Actor,
        principal: Principal,
        now: datetime,
    ) -> InviteCodeOut:
        code = await institutions.issue_code(
            uow,
            actor,
            principal.id,
            principal.org_id,
            max_uses=data.max_uses,
            expires_at=data.expires_at,
            now=now,
        )
        return code_out(code, now)

    @get("/", summary="The institution's invite codes, newest first")
    async def list_codes(
        self, uow: UnitOfWork, principal: Principal, now: datetime, limit: int = CODES_LIMIT
    ) -> list[InviteCodeOut]:
        rows = await institutions.codes(uow, principal.org_id, limit=limit)
        return [code_out(c, now) for c in rows]

    @post(
        "/{invite_code_id:str}/revoke",
        status_code=HTTP_200_OK,
        summary="Revoke an invite code: no one joins with it any more (members stay)",
    )
    async def revoke(
        self,
        invite_code_id: str,
        uow: UnitOfWork,
        actor: Actor,
        principal: Principal,
        now: datetime,
    ) -> InviteCodeOut:
        code = await institutions.revoke_code(
            uow, actor, principal.id, principal.org_id, invite_code_id, now
        )
        return code_out(code, now)


class OrgInstitutionController(Controller):
    path = "/v1/org/institution"
    tags = ["org"]
    guards = [ORG]
    security = [{"BearerToken": []}]

    @get(
        "/",
        summary="Members' totals (aggregates only, withheld below a minimum of members) and rank",
    )
    async def show(
        self, uow: UnitOfWork, principal: Principal, services: Services, now: datetime
    ) -> InstitutionOut:
        t = await institutions.totals(
            uow, principal.org_id, now, min_members=services.settings.institution_min_members
        )
        return InstitutionOut(
            organisation_id=t.organisation.id,
            name=t.organisation.name,
            district=t.organisation.district,
            members=t.members,
            members_ever=t.members_ever,
            this_month=figures_out(t.this_month),
            all_time=figures_out(t.all_time),
            standing=StandingOut(
                rank_by_total=t.standing.by_total,
                rank_by_per_member=t.standing.by_per_member,
                institutions=t.standing.of,
                per_member_g=t.standing.per_member_g,
            ),
            withheld_below_members=t.withheld_below_members,
        )


CONTROLLERS: list[type] = [OrgInviteCodeController, OrgInstitutionController]
