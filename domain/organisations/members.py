"""An organisation's members, managed by its admin members only, within its own organisation.

Members are staff accounts carrying the organisation's id; a disabled member's sessions end at
once (domain/identity/staff.set_active).
"""

from __future__ import annotations

from datetime import datetime

import msgspec

from domain.errors import Conflict, Forbidden, NotFound
from domain.governance.audit import Actor
from domain.identity import staff as staff_service
from domain.identity.principal import Role
from domain.organisations.passwords import generated_password
from domain.persistence.tables import Organisation, Staff
from domain.persistence.uow import UnitOfWork


class NewMember(msgspec.Struct, frozen=True):
    member: Staff
    password: str  # shown once


async def _as_admin(uow: UnitOfWork, caller_id: str, org_id: str | None) -> Organisation:
    """The caller's organisation, if the caller is one of its admin members."""
    caller = await uow.staff.get(caller_id)
    if org_id is None or caller is None or caller.org_id != org_id or not caller.org_admin:
        raise Forbidden(
            "only the organisation's admin members manage members", code="org_admin_required"
        )
    organisation = await uow.organisations.get(org_id)
    if organisation is None:
        raise NotFound("no such organisation", code="organisation_not_found")
    return organisation


async def members(
    uow: UnitOfWork, caller_id: str, org_id: str | None, *, after: str | None, limit: int
) -> list[Staff]:
    await _as_admin(uow, caller_id, org_id)
    return await uow.organisations.members(org_id or "", after=after, limit=limit)


async def add(
    uow: UnitOfWork,
    actor: Actor,
    caller_id: str,
    org_id: str | None,
    *,
    username: str,
    org_admin: bool,
    now: datetime,
) -> NewMember:
    """A new member of the caller's organisation, with a generated password shown once."""
    organisation = await _as_admin(uow, caller_id, org_id)
    password = generated_password()
    member = await staff_service.create(
        uow,
        actor,
        username=username,
        password=password,
        role=Role.VERIFIER if organisation.kind == "verifier" else Role.ORG,
        merchant_id=None,
        org_id=organisation.id,
        org_admin=org_admin,
        now=now,
    )
    return NewMember(member=member, password=password)


async def disable(
    uow: UnitOfWork,
    actor: Actor,
    caller_id: str,
    org_id: str | None,
    member_id: str,
    now: datetime,
) -> Staff:
    """Disable a member of the caller's organisation (never oneself: someone must remain)."""
    organisation = await _as_admin(uow, caller_id, org_id)
    member = await uow.staff.get(member_id)
    if member is None or member.org_id != organisation.id:
        raise NotFound("no such member of your organisation", code="member_not_found")
    if member.id == caller_id:
        raise Conflict("you cannot disable yourself", code="cannot_disable_self")
    return await staff_service.set_active(uow, actor, member.id, False, now)
