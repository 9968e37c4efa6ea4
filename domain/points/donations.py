"""Donations: citizens give points to public-welfare projects (e.g. a tree for N points)."""

from __future__ import annotations

from datetime import datetime

import msgspec

from domain.errors import Gone, InvalidInput, NotFound
from domain.governance.audit import Actor, record
from domain.identity import citizens
from domain.ids import new_id
from domain.ledger.postings import debit, locked_citizen_account
from domain.persistence.tables import Donation, DonationProject
from domain.persistence.uow import UnitOfWork

DONATION = "sys:donation"
MAX_UNITS = 10_000


class ProjectTotals(msgspec.Struct, frozen=True):
    project: DonationProject
    donations: int
    units: int
    points: int


async def create_project(
    uow: UnitOfWork,
    actor: Actor,
    *,
    name: str,
    description: str,
    unit_name: str,
    points_per_unit: int,
    now: datetime,
) -> DonationProject:
    if not name.strip() or not unit_name.strip():
        raise InvalidInput("name and unit_name must not be blank", code="invalid_project")
    if points_per_unit <= 0:
        raise InvalidInput("points_per_unit must be positive", code="invalid_project")
    project = DonationProject(
        id=new_id(),
        name=name.strip(),
        description=description.strip(),
        unit_name=unit_name.strip(),
        points_per_unit=points_per_unit,
        active=True,
        created_at=now,
    )
    uow.donations.add_project(project)
    record(
        uow,
        actor,
        "donation_project.create",
        "donation_project",
        project.id,
        None,
        {"name": project.name, "unit_name": project.unit_name, "points_per_unit": points_per_unit},
        now,
    )
    return project


async def set_active(
    uow: UnitOfWork, actor: Actor, project_id: str, active: bool, now: datetime
) -> DonationProject:
    project = await uow.donations.project(project_id)
    if project is None:
        raise NotFound("no such project", code="project_not_found")
    before = {"active": project.active}
    project.active = active
    record(
        uow,
        actor,
        "donation_project.update",
        "donation_project",
        project.id,
        before,
        {"active": active},
        now,
    )
    return project


async def donate(
    uow: UnitOfWork, citizen_id: str, project_id: str, units: int, now: datetime
) -> Donation:
    """The points leave the citizen's oldest lots for the donation sink; a record is kept."""
    await citizens.active(uow, citizen_id)
    if not 0 < units <= MAX_UNITS:
        raise InvalidInput(f"units must be between 1 and {MAX_UNITS}", code="invalid_units")
    project = await uow.donations.project(project_id)
    if project is None:
        raise NotFound("no such project", code="project_not_found")
    if not project.active:
        raise Gone("the project no longer takes donations", code="project_closed")
    points = units * project.points_per_unit
    account = await locked_citizen_account(uow, citizen_id, now)
    donation = Donation(
        id=new_id(),
        project_id=project.id,
        citizen_id=citizen_id,
        units=units,
        points=points,
        created_at=now,
    )
    await debit(
        uow,
        account,
        amount=points,
        kind="donate",
        counter_account=DONATION,
        key=f"donation:{donation.id}",
        ref=donation.id,
        now=now,
    )
    uow.donations.add(donation)
    return donation


async def catalogue(uow: UnitOfWork, *, active_only: bool) -> list[ProjectTotals]:
    totals = await uow.donations.totals()
    return [
        ProjectTotals(p, *totals.get(p.id, (0, 0, 0)))
        for p in await uow.donations.projects(active_only=active_only)
    ]
