"""Arranging registry tests: approved organisations and their members, without the approval
flow (tests of the flow itself use the API)."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec
from litestar.testing import AsyncTestClient

from domain.clock import utcnow
from domain.governance.audit import CLI
from domain.identity import staff
from domain.identity.principal import Role
from domain.ids import new_id
from domain.persistence.tables import Organisation
from domain.persistence.uow import Database
from domain.registry.accounts import open_org_account
from domain.registry.uscc import check_character, organisation_check_character
from tests.helpers import PASSWORD, bearer


class Org(msgspec.Struct, frozen=True):
    id: str
    account_id: str
    name: str
    uscc: str
    kind: str


def a_uscc() -> str:
    """A fresh, valid unified social credit code (GB 32100-2015)."""
    body8 = str(uuid.uuid4().int)[:8]  # a random organisation code
    first17 = "91320100" + body8 + organisation_check_character(body8)  # enterprise, Nanjing
    return first17 + check_character(first17)


async def make_org(db: Database, *, kind: str = "enterprise", name: str | None = None) -> Org:
    """An approved organisation with its holding account."""
    now = utcnow()
    org = Organisation(
        id=new_id(),
        name=name or f"Org {uuid.uuid4().hex[:6]}",
        uscc=a_uscc(),
        kind=kind,
        district="xuanwu",
        contact={"name": "Li Lei", "email": "li@example.cn"},
        status="active",
        application_id=None,
        created_at=now,
    )
    async with db.unit_of_work() as uow:
        uow.session.add(org)  # type: ignore[attr-defined]  # the SQL unit of work, in tests
        await uow.flush()
        account = await open_org_account(uow, org_id=org.id, name=org.name, now=now)
    return Org(id=org.id, account_id=account.id, name=org.name, uscc=org.uscc, kind=kind)


async def make_member(
    db: Database, org_id: str | None, role: Role = Role.ORG, *, admin: bool = True
) -> str:
    """A staff account of the organisation (an expert's has none); returns its username."""
    username = f"{role.value}-{uuid.uuid4().hex[:8]}"
    async with db.unit_of_work() as uow:
        await staff.create(
            uow,
            CLI,
            username=username,
            password=PASSWORD,
            role=role,
            merchant_id=None,
            org_id=org_id,
            org_admin=admin and org_id is not None,
            now=utcnow(),
        )
    return username


async def org_login(
    client: AsyncTestClient, db: Database, org_id: str, role: Role = Role.ORG, *, admin=True
) -> dict[str, Any]:
    """A member of the organisation, signed in: the token pair (with `headers`)."""
    username = await make_member(db, org_id, role, admin=admin)
    r = await client.post("/v1/auth/staff", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    body = r.json()
    body["headers"] = bearer(body["access_token"])
    return body
