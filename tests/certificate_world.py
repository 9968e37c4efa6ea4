"""Arranging certificate tests: units issued to an organisation and retired through the
registry's own retire use case (domain/registry/retirements.py), as the API would."""

from __future__ import annotations

from domain.clock import utcnow
from domain.governance.audit import Actor
from domain.identity.principal import Principal, Role
from domain.ids import new_id
from domain.persistence.uow import Database
from domain.registry import retirements
from tests.registry_units import Issued, issued_units
from tests.registry_world import Org, make_org

BENEFICIARY = "南京青奥体育公园 Nanjing Youth Olympic Sports Park"
DETAILS = "2026 年南京马拉松碳中和 / Nanjing Marathon 2026"


def member(org: Org) -> tuple[Principal, Actor]:
    staff_id = new_id()
    principal = Principal(
        kind="staff", id=staff_id, family_id=new_id(), role=Role.ORG, org_id=org.id
    )
    return principal, Actor(id=staff_id, role=Role.ORG.value)


async def retired(
    db: Database, quantity: int = 40, *, issued: int = 100, pending: bool = False
) -> tuple[str, Org, Issued]:
    """(retirement id, organisation, issuance): `quantity` of `issued` units retired (or, with
    `pending`, reserved) for BENEFICIARY."""
    org = await make_org(db)
    units = await issued_units(db, org, issued)
    principal, actor = member(org)
    async with db.unit_of_work() as uow:
        retirement = await retirements.retire(
            uow,
            principal,
            actor,
            account=org.account_id,
            quantity=quantity,
            beneficiary=BENEFICIARY,
            purpose="event",
            details=DETAILS,
            pending=pending,
            now=utcnow(),
        )
    return retirement.id, org, units


async def mark_released(db: Database, retirement_id: str) -> None:
    """The retirement as `release` leaves it (status `released`). Set directly: the certificate
    reads only the status, and the release flow has its own tests."""
    async with db.unit_of_work() as uow:
        row = await uow.certificates.retirement(retirement_id)
        assert row is not None and row.status == "pending"
        row.status = "released"
