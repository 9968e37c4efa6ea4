"""Supervision under real concurrency on PostgreSQL: replicas running the detectors at once raise
each alert once, and two staff acting on one alert at once: one wins, the other gets a 409."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from api.app import create_app
from domain.clock import utcnow
from domain.identity.principal import Role
from domain.persistence.tables import Alert, AuditEntry
from domain.registry import issuance
from tests.live import http_client
from tests.registry_units import APPROVER, PROPOSER, verified_report
from tests.registry_world import make_org
from tests.supervision_world import alerts, detect, staff

pytestmark = pytest.mark.pg_only


@pytest.fixture
async def client(settings):
    """Requests over TCP to a real server, so concurrent requests really run concurrently."""
    async with http_client(create_app(settings)) as c:
        yield c


async def _rejected_issuances(db, n: int) -> None:
    for _ in range(n):
        _, report_id, _ = await verified_report(db, await make_org(db), 10)
        async with db.unit_of_work() as uow:
            proposal = await issuance.propose(uow, PROPOSER, report_id=report_id, now=utcnow())
        async with db.unit_of_work() as uow:
            await issuance.decide(
                uow, APPROVER, proposal.id, approve=False, reason="no", now=utcnow()
            )


async def test_replicas_running_the_job_at_once_raise_each_alert_once(db) -> None:
    await _rejected_issuances(db, 3)
    now = utcnow()
    runs = await asyncio.gather(*(detect(db, now) for _ in range(6)))
    assert sum(r["verifier_overclaim"] for r in runs) == 3
    assert len(await alerts(db, "verifier_overclaim")) == 3


async def test_two_staff_resolving_one_alert_at_once(client, db) -> None:
    await _rejected_issuances(db, 1)
    await detect(db, utcnow())
    [alert] = await alerts(db)
    ops = await staff(client, db, Role.OPERATIONS)
    admin = await staff(client, db, Role.ADMIN)
    url = f"/v1/admin/alerts/{alert.id}"
    responses = await asyncio.gather(
        *(
            client.post(f"{url}/resolve", json={"note": f"resolved by {i}"}, headers=who)
            for i, who in enumerate([ops, admin] * 4)
        )
    )
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] + [409] * 7, [r.text for r in responses]
    async with db.unit_of_work() as uow:
        stored = await uow.session.get(Alert, alert.id)
        winner = next(r.json() for r in responses if r.status_code == 201)
        assert (stored.status, stored.resolution) == ("resolved", winner["resolution"])
        stmt = select(func.count()).where(AuditEntry.action == "alert.resolve")
        assert (await uow.session.execute(stmt)).scalar_one() == 1
