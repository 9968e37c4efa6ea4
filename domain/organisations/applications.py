"""Organisations apply with their unified social credit code; staff approve or reject.

Approval is one transaction: the organisation, its holding registry account and its first
member (an admin member whose generated password is returned once).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Any

import msgspec

from domain import districts
from domain.errors import Conflict, InvalidInput, NotFound
from domain.governance.audit import Actor, record
from domain.identity import staff as staff_service
from domain.identity.principal import Role
from domain.ids import new_id
from domain.organisations.passwords import generated_password
from domain.persistence.tables import Organisation, OrgApplication, Staff
from domain.persistence.uow import UnitOfWork
from domain.registry import uscc as uscc_code
from domain.registry.accounts import open_org_account

KINDS = ("enterprise", "public_institution", "event_organiser", "verifier")


class Approval(msgspec.Struct, frozen=True):
    organisation: Organisation
    account_id: str
    member: Staff
    password: str  # shown once


def summary(application: OrgApplication) -> dict[str, Any]:
    return {
        "name": application.name,
        "uscc": application.uscc,
        "kind": application.kind,
        "status": application.status,
        "reason": application.reason,
        "organisation_id": application.organisation_id,
    }


async def apply(
    uow: UnitOfWork,
    *,
    name: str,
    uscc: str,
    kind: str,
    contact: dict[str, Any],
    district: str | None,
    now: datetime,
) -> OrgApplication:
    """File an application (no sign-in): one pending application per code, none for a code an
    organisation already holds."""
    code = uscc_code.validate(uscc, field="uscc")
    if kind not in KINDS:
        raise InvalidInput(f"kind: one of {', '.join(KINDS)}", code="invalid_kind", field="kind")
    district = districts.optional(district)
    name = unicodedata.normalize("NFKC", name).strip()
    if not name:
        raise InvalidInput("name: must not be blank", code="invalid_name", field="name")
    if await uow.organisations.by_uscc(code) is not None:
        raise Conflict("an organisation already holds this code", code="organisation_exists")
    if await uow.organisations.pending_application(code) is not None:
        raise Conflict("an application for this code is pending", code="application_pending")
    application = OrgApplication(
        id=new_id(),
        name=name,
        uscc=code,
        kind=kind,
        district=district,
        contact=contact,
        status="pending",
        created_at=now,
    )
    uow.organisations.add_application(application)
    return application


async def _pending(uow: UnitOfWork, application_id: str) -> OrgApplication:
    application = await uow.organisations.application(application_id, for_update=True)
    if application is None:
        raise NotFound("no such application", code="application_not_found")
    if application.status != "pending":
        raise Conflict(f"this application is {application.status}", code="application_decided")
    return application


def _username(uscc: str) -> str:
    return "org-" + re.sub(r"[^a-z0-9]", "", uscc.lower())


async def approve(uow: UnitOfWork, actor: Actor, application_id: str, now: datetime) -> Approval:
    application = await _pending(uow, application_id)
    if await uow.organisations.by_uscc(application.uscc) is not None:
        raise Conflict("an organisation already holds this code", code="organisation_exists")
    before = summary(application)
    organisation = Organisation(
        id=new_id(),
        name=application.name,
        uscc=application.uscc,
        kind=application.kind,
        district=application.district,
        contact=application.contact,
        status="active",
        application_id=application.id,
        created_at=now,
    )
    uow.organisations.add(organisation)
    await uow.flush()  # the account and the member refer to it
    account = await open_org_account(uow, org_id=organisation.id, name=organisation.name, now=now)
    password = generated_password()
    member = await staff_service.create(
        uow,
        actor,
        username=_username(organisation.uscc),
        password=password,
        role=Role.VERIFIER if organisation.kind == "verifier" else Role.ORG,
        merchant_id=None,
        org_id=organisation.id,
        org_admin=True,
        now=now,
    )
    application.status = "approved"
    application.decided_by = actor.id
    application.decided_at = now
    application.organisation_id = organisation.id
    record(
        uow,
        actor,
        "org_application.approve",
        "org_application",
        application.id,
        before,
        summary(application),
        now,
    )
    record(
        uow,
        actor,
        "organisation.create",
        "organisation",
        organisation.id,
        None,
        {"name": organisation.name, "uscc": organisation.uscc, "kind": organisation.kind},
        now,
    )
    return Approval(
        organisation=organisation, account_id=account.id, member=member, password=password
    )


async def reject(
    uow: UnitOfWork, actor: Actor, application_id: str, reason: str, now: datetime
) -> OrgApplication:
    if not reason.strip():
        raise InvalidInput("reason: must not be blank", code="reason_required", field="reason")
    application = await _pending(uow, application_id)
    before = summary(application)
    application.status = "rejected"
    application.reason = reason.strip()
    application.decided_by = actor.id
    application.decided_at = now
    record(
        uow,
        actor,
        "org_application.reject",
        "org_application",
        application.id,
        before,
        summary(application),
        now,
    )
    return application
