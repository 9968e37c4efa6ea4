"""The expert pool: experts with fields of expertise and affiliations, optionally signing in as
staff with role `expert` (the account's password is generated and shown once)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from domain.errors import InvalidInput, NotFound
from domain.governance.audit import Actor, record
from domain.identity import staff as staff_service
from domain.identity.principal import Role
from domain.ids import new_id
from domain.organisations.passwords import generated_password
from domain.persistence.tables import Expert
from domain.persistence.uow import UnitOfWork
from domain.registry import uscc as uscc_code


class NewExpert(msgspec.Struct, frozen=True):
    expert: Expert
    password: str | None  # shown once, when a staff account was created


def summary(expert: Expert) -> dict[str, Any]:
    return {
        "name": expert.name,
        "fields": expert.fields,
        "affiliations": expert.affiliations,
        "staff_id": expert.staff_id,
        "active": expert.active,
    }


def _affiliations(affiliations: list[dict[str, str | None]]) -> list[dict[str, str]]:
    checked = []
    for i, affiliation in enumerate(affiliations):
        name = (affiliation.get("name") or "").strip()
        if not name:
            raise InvalidInput(
                f"affiliations[{i}].name: must not be blank",
                code="invalid_affiliation",
                field=f"affiliations[{i}].name",
            )
        entry = {"name": name}
        if affiliation.get("uscc"):
            entry["uscc"] = uscc_code.validate(
                affiliation["uscc"] or "", field=f"affiliations[{i}].uscc"
            )
        checked.append(entry)
    return checked


async def create(
    uow: UnitOfWork,
    actor: Actor,
    *,
    name: str,
    fields: list[str],
    affiliations: list[dict[str, str | None]],
    username: str | None,
    now: datetime,
) -> NewExpert:
    fields = sorted({f.strip() for f in fields if f.strip()})
    if not name.strip():
        raise InvalidInput("name: must not be blank", code="invalid_name", field="name")
    if not fields:
        raise InvalidInput("fields: at least one field", code="invalid_fields", field="fields")
    expert = Expert(
        id=new_id(),
        name=name.strip(),
        staff_id=None,
        fields=fields,
        affiliations=_affiliations(affiliations),
        active=True,
        created_at=now,
    )
    password = None
    if username is not None:
        password = generated_password()
        account = await staff_service.create(
            uow,
            actor,
            username=username,
            password=password,
            role=Role.EXPERT,
            merchant_id=None,
            now=now,
        )
        await uow.flush()
        expert.staff_id = account.id
    uow.experts.add(expert)
    record(uow, actor, "expert.create", "expert", expert.id, None, summary(expert), now)
    return NewExpert(expert=expert, password=password)


async def set_active(
    uow: UnitOfWork, actor: Actor, expert_id: str, active: bool, now: datetime
) -> Expert:
    """(De)activate an expert: an inactive one is never drawn, and their account (if any)
    is disabled with them."""
    expert = await uow.experts.get(expert_id)
    if expert is None:
        raise NotFound("no such expert", code="expert_not_found")
    before = summary(expert)
    expert.active = active
    if expert.staff_id is not None:
        await staff_service.set_active(uow, actor, expert.staff_id, active, now)
    record(uow, actor, "expert.update", "expert", expert.id, before, summary(expert), now)
    return expert
