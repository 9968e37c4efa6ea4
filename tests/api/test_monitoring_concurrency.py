"""Two filings for overlapping periods of one project at the same moment: exactly one passes
(the project row is locked while the overlap is checked). PostgreSQL, real concurrent requests."""

from __future__ import annotations

import asyncio

import pytest

from api.app import create_app
from tests.api.test_monitoring import period, reports_of
from tests.api.test_projects import registered, staff
from tests.live import http_client
from tests.registry_world import make_org, org_login

pytestmark = pytest.mark.pg_only


@pytest.fixture
async def client(settings):
    """Requests over TCP to a real server, so concurrent requests really run concurrently."""
    async with http_client(create_app(settings)) as c:
        yield c


async def test_concurrent_overlapping_filings(client, db):
    org = await make_org(db)
    h = (await org_login(client, db, org.id))["headers"]
    ops = await staff(client, db)
    pid = (await registered(client, db, h, ops))["project_id"]
    for round_no in range(3):  # several rounds: one lucky interleaving proves little
        month = f"2024-{round_no * 3 + 1:02d}"
        bodies = [period(f"{month}-01", f"{month}-{day:02d}") for day in (10, 20, 28, 15, 5, 25)]
        answers = await asyncio.gather(
            *(client.post(reports_of(pid), json=b, headers=h) for b in bodies)
        )
        statuses = sorted(r.status_code for r in answers)
        assert statuses == [201] + [409] * 5, [r.text for r in answers]
        assert all(r.json()["code"] == "period_overlaps" for r in answers if r.status_code == 409)
    listed = (await client.get(reports_of(pid), headers=h)).json()["items"]
    assert len(listed) == 3
