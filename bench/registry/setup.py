"""Arranging the registry benchmark directly in its fresh database (not timed, not over HTTP):
N approved organisations, each with a holding account, a registered project whose verified
report is issued through the real four-eyes use cases, and one signed-in member. Only the
timed transfers and retirements go over HTTP."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date

import httpx

from domain.clock import utcnow
from domain.governance.audit import Actor
from domain.identity.passwords import hash_password
from domain.ids import new_id
from domain.persistence.engine import build_engine
from domain.persistence.tables import MonitoringReport, Organisation, Project, Staff
from domain.persistence.uow import Database
from domain.registry import issuance
from domain.registry.accounts import open_org_account
from domain.registry.uscc import check_character, organisation_check_character

NJ_FC_V1 = "00000000000000000000NJFC01"  # the seeded project methodology (Class I)
PROPOSER = Actor(id="0BENCHPROPOSER000000000000", role="operations")
APPROVER = Actor(id="0BENCHAPPROVER000000000000", role="admin")


@dataclass
class Member:
    org_id: str
    account_id: str
    username: str
    password: str
    token: str = ""


@dataclass
class World:
    members: list[Member] = field(default_factory=list)
    units_each: int = 0


def _uscc(n: int) -> str:
    body8 = f"{n:08d}"
    first17 = "91320100" + body8 + organisation_check_character(body8)
    return first17 + check_character(first17)


async def _organisation(db: Database, n: int, units: int) -> Member:
    now = utcnow()
    org = Organisation(
        id=new_id(),
        name=f"Bench Org {n}",
        uscc=_uscc(n),
        kind="enterprise",
        district="xuanwu",
        contact={"name": "bench"},
        status="active",
        application_id=None,
        created_at=now,
    )
    code = f"BENCH{n:04d}"
    project = Project(
        id=new_id(),
        org_id=org.id,
        code=code,
        title=f"Project {code}",
        methodology_id=NJ_FC_V1,
        methodology_code="NJ-FC",
        district="xuanwu",
        location={"address": "Nanjing"},
        crediting_period_start=date(2024, 1, 1),
        crediting_period_end=date(2033, 12, 31),
        estimated_t_per_year=units,
        description="",
        status="registered",
        issuances=0,
        created_at=now,
        submitted_at=now,
        registered_at=now,
    )
    report = MonitoringReport(
        id=new_id(),
        project_id=project.id,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
        claimed_t=units,
        data={},
        status="verified",
        verified_t=units,
        findings="bench",
        created_at=now,
        decided_at=now,
    )
    password = secrets.token_urlsafe(12)
    member = Member(org.id, "", f"bench-org-{n}", password)
    async with db.unit_of_work() as uow:
        uow.session.add(org)
        await uow.flush()
        member.account_id = (await open_org_account(uow, org_id=org.id, name=org.name, now=now)).id
        uow.session.add(project)
        await uow.flush()
        uow.session.add(report)
        uow.staff.add(
            Staff(
                id=new_id(),
                username=member.username,
                password_hash=hash_password(password),
                role="org",
                org_id=org.id,
                org_admin=True,
                active=True,
                created_at=now,
            )
        )
    async with db.unit_of_work() as uow:
        proposal = await issuance.propose(uow, PROPOSER, now=utcnow(), report_id=report.id)
        await issuance.decide(uow, APPROVER, proposal.id, approve=True, now=utcnow())
    return member


async def arrange(url: str, orgs: int, units: int) -> World:
    db = Database(build_engine(url, pool_size=2))
    try:
        members = [await _organisation(db, n, units) for n in range(orgs)]
        return World(members=members, units_each=units)
    finally:
        await db.dispose()


async def sign_in(base: str, world: World) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=60) as c:
        for m in world.members:
            login = {"username": m.username, "password": m.password}
            r = await c.post("/v1/auth/staff", json=login)
            if r.status_code != 200:
                raise RuntimeError(f"sign-in {m.username}: HTTP {r.status_code} {r.text[:300]}")
            m.token = r.json()["access_token"]
