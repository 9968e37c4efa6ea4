"""/v1/org/me and /v1/org/members: the organisation and its members.

Every route is scoped by the caller's `org_id`; members are managed by admin members only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Controller, get, post

from api.admin.organisations import OrganisationOut, organisation_out
from api.schemas import CURSOR, LIMIT, Page, page_of
from api.security.auth import staff_guard
from domain.governance.audit import Actor
from domain.identity.principal import Principal, Role
from domain.organisations import members as members_service
from domain.organisations.profile import profile
from domain.persistence.tables import Staff
from domain.persistence.uow import UnitOfWork

MEMBER = staff_guard(Role.ORG, Role.VERIFIER)


class AccountOut(msgspec.Struct):
    account_id: str
    kind: str
    name: str
    balance_t: int  # the ledger account's balance, in tonnes
    holdings_url: str  # the blocks held: GET /v1/registry/accounts/{id}/holdings


class YouOut(msgspec.Struct):
    staff_id: str
    username: str
    role: str
    org_admin: bool  # may manage the organisation's members


class OrgMeOut(msgspec.Struct):
    organisation: OrganisationOut
    accounts: list[AccountOut]
    you: YouOut | None = None


class MemberIn(msgspec.Struct, forbid_unknown_fields=True):
    username: Annotated[str, msgspec.Meta(min_length=3, max_length=64)]
    org_admin: bool = False


class MemberOut(msgspec.Struct):
    staff_id: str
    username: str
    role: str
    org_admin: bool
    active: bool
    created_at: datetime


class NewMemberOut(msgspec.Struct):
    member: MemberOut
    password: str  # shown once, never again


def member_out(s: Staff) -> MemberOut:
    return MemberOut(
        staff_id=s.id,
        username=s.username,
        role=s.role,
        org_admin=s.org_admin,
        active=s.active,
        created_at=s.created_at,
    )


class OrgMeController(Controller):
    path = "/v1/org/me"
    tags = ["org"]
    guards = [MEMBER]
    security = [{"BearerToken": []}]

    @get("/", summary="The caller's organisation and its registry accounts")
    async def me(self, uow: UnitOfWork, principal: Principal) -> OrgMeOut:
        found = await profile(uow, principal.org_id, principal.id)
        you = found.you
        return OrgMeOut(
            you=None
            if you is None
            else YouOut(
                staff_id=you.id, username=you.username, role=you.role, org_admin=you.org_admin
            ),
            organisation=organisation_out(found.organisation),
            accounts=[
                AccountOut(
                    account_id=a.id,
                    kind=a.kind,
                    name=a.name,
                    balance_t=balance,
                    holdings_url=f"/v1/registry/accounts/{a.id}/holdings",
                )
                for a, balance in found.accounts
            ],
        )


class OrgMemberController(Controller):
    path = "/v1/org/members"
    tags = ["org"]
    guards = [MEMBER]
    security = [{"BearerToken": []}]

    @get("/", summary="Members of the caller's organisation (admin members only)")
    async def list_members(
        self,
        uow: UnitOfWork,
        principal: Principal,
        limit: int = LIMIT,
        cursor: str | None = CURSOR,
    ) -> Page[MemberOut]:
        rows = await members_service.members(
            uow, principal.id, principal.org_id, after=cursor, limit=limit + 1
        )
        return page_of([member_out(s) for s in rows], limit, lambda m: m.staff_id)

    @post("/", summary="Add a member: its password is shown once")
    async def add(
        self, data: MemberIn, uow: UnitOfWork, actor: Actor, principal: Principal, now: datetime
    ) -> NewMemberOut:
        added = await members_service.add(
            uow,
            actor,
            principal.id,
            principal.org_id,
            username=data.username,
            org_admin=data.org_admin,
            now=now,
        )
        return NewMemberOut(member=member_out(added.member), password=added.password)

    @post("/{staff_id:str}/disable", status_code=200, summary="Disable a member (at once)")
    async def disable(
        self, staff_id: str, uow: UnitOfWork, actor: Actor, principal: Principal, now: datetime
    ) -> MemberOut:
        return member_out(
            await members_service.disable(uow, actor, principal.id, principal.org_id, staff_id, now)
        )


CONTROLLERS: list[type] = [OrgMeController, OrgMemberController]
