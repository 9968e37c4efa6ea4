"""Arranging registry tests that need units: a registered project with a verified report (rows
inserted directly, as the project and verification flows would leave them), issued through the
real four-eyes use cases, so the block, the movement and the posting are exactly what approval
writes. `issued_aggregation` does the same for citizens' aggregated tonnes.
"""

from __future__ import annotations

import itertools
import uuid
from datetime import date, timedelta

import msgspec

from domain.clock import shanghai_date, utcnow
from domain.governance.audit import Actor
from domain.ids import new_id
from domain.persistence.tables import Aggregation, MethodologyVersion, MonitoringReport, Project
from domain.persistence.uow import Database
from domain.registry import issuance
from domain.registry.accounts import PUBLIC_BEHAVIOUR
from tests.registry_world import Org

NJ_FC_V1 = "00000000000000000000NJFC01"  # the seeded project methodology (Class I)


class Issued(msgspec.Struct, frozen=True):
    """One issued issuance: its single block holds serials 1..quantity in `account_id`."""

    issuance_id: str
    project_id: str | None
    report_id: str | None
    aggregation_id: str | None
    project_code: str
    issuance_no: int
    vintage: int
    unit_class: str
    quantity: int
    account_id: str

    @property
    def prefix(self) -> str:
        return f"NJ-{self.unit_class}-{self.vintage}-{self.project_code}-{self.issuance_no}"

    @property
    def label(self) -> str:
        """The issuance's first (and at issue, only) block: `{prefix}-1-{quantity}`."""
        return f"{self.prefix}-1-{self.quantity}"


_DAYS = itertools.count()
PROPOSER = Actor(id="0PROPOSERSTAFF000000000000", role="operations")
APPROVER = Actor(id="0APPROVERSTAFF000000000000", role="admin")


def a_project_code() -> str:
    return "T" + uuid.uuid4().hex[:9].upper()


async def _class_ii_version(db: Database) -> str:
    """A published Class II methodology version (created once per database)."""
    version_id = "0000000000000000000TESTII1"
    async with db.unit_of_work() as uow:
        if await uow.registry.methodology_version(version_id) is None:
            uow.session.add(  # type: ignore[attr-defined]  # the SQL unit of work, in tests
                MethodologyVersion(
                    id=version_id,
                    code="NJ-TEST-II",
                    version=1,
                    methodology_class="II",
                    title="A Class II test methodology",
                    description="",
                    params={},
                    status="published",
                    effective_from=None,
                    effective_until=None,
                    created_at=utcnow(),
                    published_at=utcnow(),
                )
            )
    return version_id


async def verified_report(
    db: Database, org: Org, verified_t: int, *, vintage: int = 2025, unit_class: str = "I"
) -> tuple[str, str, str]:
    """A registered project of `org` with one verified report: (project_id, report_id, code)."""
    version_id = NJ_FC_V1 if unit_class == "I" else await _class_ii_version(db)
    now = utcnow()
    code = a_project_code()
    project = Project(
        id=new_id(),
        org_id=org.id,
        code=code,
        title=f"Project {code}",
        methodology_id=version_id,
        methodology_code="NJ-FC" if unit_class == "I" else "NJ-TEST-II",
        district="xuanwu",
        location={"address": "Xuanwu Lake"},
        crediting_period_start=date(vintage - 1, 1, 1),
        crediting_period_end=date(vintage + 8, 12, 31),
        estimated_t_per_year=max(verified_t, 1),
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
        period_start=date(vintage, 1, 1),
        period_end=date(vintage, 12, 31),
        claimed_t=verified_t + 1,
        data={},
        status="verified",
        verified_t=verified_t,
        findings="in order",
        created_at=now,
        decided_at=now,
    )
    async with db.unit_of_work() as uow:
        uow.session.add(project)  # type: ignore[attr-defined]
        await uow.flush()
        uow.session.add(report)  # type: ignore[attr-defined]
    return project.id, report.id, code


async def _issue(db: Database, **source: str) -> Issued:
    async with db.unit_of_work() as uow:
        proposal = await issuance.propose(uow, PROPOSER, now=utcnow(), **source)
        done = await issuance.decide(uow, APPROVER, proposal.id, approve=True, now=utcnow())
        assert done.issuance_no is not None
        return Issued(
            issuance_id=done.id,
            project_id=done.project_id,
            report_id=done.report_id,
            aggregation_id=done.aggregation_id,
            project_code=done.project_code,
            issuance_no=done.issuance_no,
            vintage=done.vintage,
            unit_class=done.unit_class,
            quantity=done.quantity,
            account_id=done.account_id,
        )


async def issued_units(
    db: Database, org: Org, quantity: int, *, vintage: int = 2025, unit_class: str = "I"
) -> Issued:
    """`quantity` tonnes issued into the organisation's holding account, as one block."""
    _, report_id, _ = await verified_report(
        db, org, quantity, vintage=vintage, unit_class=unit_class
    )
    return await _issue(db, report_id=report_id)


def this_year() -> int:
    """The Shanghai year now: aggregated reductions of an older vintage may have lapsed."""
    return shanghai_date(utcnow()).year


async def aggregation_row(
    db: Database,
    tonnes: int,
    *,
    vintage: int | None = None,
    methodology_code: str = "NJ-GT",
    carried_out_g: int = 0,
) -> str:
    """An aggregation of citizens' reductions, stored as the aggregation use case stores it
    (this year's unless `vintage` says otherwise)."""
    vintage = vintage or this_year()
    start = date(vintage, 1, 1) + timedelta(days=next(_DAYS) % 330)  # unique per process
    aggregation = Aggregation(
        id=new_id(),
        methodology_code=methodology_code,
        period_kind="month",
        period_start=start,
        period_end=start + timedelta(days=27),
        vintage=vintage,
        trips=tonnes * 1000,
        grams=tonnes * 1_000_000,
        carried_in_g=0,
        tonnes=tonnes,
        carried_out_g=carried_out_g,
        breakdown={},
        created_by=None,
        created_at=utcnow(),
    )
    async with db.unit_of_work() as uow:
        uow.session.add(aggregation)  # type: ignore[attr-defined]
    return aggregation.id


async def issued_aggregation(db: Database, tonnes: int, *, vintage: int | None = None) -> Issued:
    """`tonnes` of citizens' aggregated reductions issued into the public-behaviour account."""
    issued = await _issue(db, aggregation_id=await aggregation_row(db, tonnes, vintage=vintage))
    assert issued.account_id == PUBLIC_BEHAVIOUR
    return issued
