"""Concurrent neutralisations of one event on PostgreSQL: the event's row is locked first, so
they queue and never both count the same tonnes as still required."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import func, select

from api.app import create_app
from domain.persistence.tables import EventRetirement
from tests.api.test_events import event_body
from tests.api.test_transfers import balances
from tests.live import http_client
from tests.registry_units import issued_units
from tests.registry_world import make_org, org_login

pytestmark = pytest.mark.pg_only


@pytest.fixture
async def client(settings):
    """Requests over TCP to a real server, so concurrent requests really run concurrently."""
    async with http_client(create_app(settings)) as c:
        yield c


async def test_six_neutralisations_of_one_event_at_once_retire_its_tonnes_once(client, db):
    org = await make_org(db)
    member = await org_login(client, db, org.id)
    await issued_units(db, org, 100)
    r = await client.post("/v1/org/events", json=event_body(), headers=member["headers"])
    assert r.status_code == 201, r.text
    event_id = r.json()["event_id"]

    async def attempt():
        headers = {**member["headers"], "Idempotency-Key": uuid.uuid4().hex}
        body = {"account": org.account_id}
        return await client.post(
            f"/v1/org/events/{event_id}/neutralise", json=body, headers=headers
        )

    responses = await asyncio.gather(*(attempt() for _ in range(6)))
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] + [409] * 5, [r.text for r in responses]
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {
        "event_already_neutralised"
    }
    assert await balances(db, org.account_id) == {org.account_id: 68}
    async with db.unit_of_work() as uow:
        total = await uow.session.scalar(select(func.sum(EventRetirement.quantity)))
    assert total == 32
