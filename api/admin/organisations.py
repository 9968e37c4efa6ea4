"""/v1/admin/organisations and the applications staff approve or reject."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, get, post
from litestar.params import Parameter

from api.schemas import CURSOR, LIMIT, Page, page_of
from api.security.auth import staff_guard
from domain.errors import NotFound
from domain.governance.audit import Actor
from domain.identity.principal import Role
from domain.organisations import applications
from domain.persistence.tables import Organisation, OrgApplication
from domain.persistence.uow import UnitOfWork

WRITE = staff_guard(Role.ADMIN, Role.OPERATIONS)
READ = staff_guard(Role.ADMIN, Role.OPERATIONS, Role.AUDITOR)
Id = Annotated[str, msgspec.Meta(min_length=1, max_length=26)]


class ApproveIn(msgspec.Struct, forbid_unknown_fields=True):
    application_id: Id


class RejectIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]


class ApplicationOut(msgspec.Struct):
    application_id: str
    name: str
    uscc: str
    kind: str
    district: str | None
    contact: dict[str, Any]
    status: str
    reason: str | None
    decided_by: str | None
    decided_at: datetime | None
    organisation_id: str | None
    created_at: datetime


class OrganisationOut(msgspec.Struct):
    organisation_id: str
    name: str
    uscc: str
    kind: str
    district: str | None
    contact: dict[str, Any]
    status: str
    application_id: str | None
    created_at: datetime


class FirstMember(msgspec.Struct):
    staff_id: str
    username: str
    role: str
    password: str  # shown once, never again


class ApprovalOut(msgspec.Struct):
    organisation: OrganisationOut
    account_id: str
    member: FirstMember


def application_out(a: OrgApplication) -> ApplicationOut:
    return ApplicationOut(
        application_id=a.id,
        name=a.name,
        uscc=a.uscc,
        kind=a.kind,
        district=a.district,
        contact=a.contact,
        status=a.status,
        reason=a.reason,
        decided_by=a.decided_by,
        decided_at=a.decided_at,
        organisation_id=a.organisation_id,
        created_at=a.created_at,
    )


def organisation_out(o: Organisation) -> OrganisationOut:
    return OrganisationOut(
        organisation_id=o.id,
        name=o.name,
        uscc=o.uscc,
        kind=o.kind,
        district=o.district,
        contact=o.contact,
        status=o.status,
        application_id=o.application_id,
        created_at=o.created_at,
    )


class AdminOrgApplicationController(Controller):
    path = "/v1/admin/org-applications"
    tags = ["admin"]
    security = [{"BearerToken": []}]

    @get("/", guards=[READ], summary="Organisation applications, optionally by status")
    async def list_applications(
        self,
        uow: UnitOfWork,
        limit: int = LIMIT,
        cursor: str | None = CURSOR,
        status: str | None = Parameter(default=None, max_length=16),
    ) -> Page[ApplicationOut]:
        rows = await uow.organisations.applications(status=status, after=cursor, limit=limit + 1)
        return page_of([application_out(a) for a in rows], limit, lambda a: a.application_id)

    @get("/{application_id:str}", guards=[READ], summary="One application")
    async def show(self, application_id: str, uow: UnitOfWork) -> ApplicationOut:
        application = await uow.organisations.application(application_id)
        if application is None:
            raise NotFound("no such application", code="application_not_found")
        return application_out(application)

    @post(
        "/{application_id:str}/reject",
        guards=[WRITE],
        status_code=200,
        summary="Reject an application, with a reason",
    )
    async def reject(
        self, application_id: str, data: RejectIn, uow: UnitOfWork, actor: Actor, now: datetime
    ) -> ApplicationOut:
        return application_out(
            await applications.reject(uow, actor, application_id, data.reason, now)
        )


class AdminOrganisationController(Controller):
    path = "/v1/admin/organisations"
    tags = ["admin"]
    security = [{"BearerToken": []}]

    @post("/", guards=[WRITE], summary="Approve an application: organisation, account, member")
    async def approve(
        self, data: ApproveIn, uow: UnitOfWork, actor: Actor, now: datetime
    ) -> ApprovalOut:
        approval = await applications.approve(uow, actor, data.application_id, now)
        member = approval.member
        return ApprovalOut(
            organisation=organisation_out(approval.organisation),
            account_id=approval.account_id,
            member=FirstMember(
                staff_id=member.id,
                username=member.username,
                role=member.role,
                password=approval.password,
            ),
        )

    @get("/", guards=[READ], summary="Organisations, optionally by kind")
    async def list_organisations(
        self,
        uow: UnitOfWork,
        limit: int = LIMIT,
        cursor: str | None = CURSOR,
        kind: str | None = Parameter(default=None, max_length=24),
    ) -> Page[OrganisationOut]:
        rows = await uow.organisations.list(kind=kind, after=cursor, limit=limit + 1)
        return page_of([organisation_out(o) for o in rows], limit, lambda o: o.organisation_id)

    @get("/{organisation_id:str}", guards=[READ], summary="One organisation")
    async def show(self, organisation_id: str, uow: UnitOfWork) -> OrganisationOut:
        organisation = await uow.organisations.get(organisation_id)
        if organisation is None:
            raise NotFound("no such organisation", code="organisation_not_found")
        return organisation_out(organisation)


CONTROLLERS: list[type] = [AdminOrgApplicationController, AdminOrganisationController]
