"""Complaints under concurrent requests on PostgreSQL: a rating lands once however many arrive
together, and concurrent staff actions on one complaint serialise on its row."""

from __future__ import annotations

import asyncio

import pytest

from api.app import create_app
from domain.identity.principal import Role
from tests.complaints_world import ADMIN, ME, staff
from tests.helpers import bearer, citizen_login
from tests.live import http_client

pytestmark = pytest.mark.pg_only


@pytest.fixture
async def client(settings):
    """Requests over TCP to a real server, so concurrent requests really run concurrently."""
    async with http_client(create_app(settings)) as c:
        yield c


async def test_concurrent_ratings_land_once(client, db) -> None:
    h = bearer((await citizen_login(client))["access_token"])
    c = (await client.post(ME, json={"category": "other", "text": "x"}, headers=h)).json()
    ops = await staff(client, db, Role.OPERATIONS)
    r = await client.post(f"{ADMIN}/{c['complaint_id']}/resolve", json={"text": "ok"}, headers=ops)
    assert r.status_code == 201, r.text
    url = f"{ME}/{c['complaint_id']}/rating"
    answers = await asyncio.gather(
        *(client.post(url, json={"score": 1 + i % 5}, headers=h) for i in range(8))
    )
    codes = sorted(a.status_code for a in answers)
    assert codes == [201] + [409] * 7, [a.text for a in answers]
    steps = (await client.get(f"{ME}/{c['complaint_id']}", headers=h)).json()["steps"]
    assert [s["step"] for s in steps].count("rated") == 1


async def test_concurrent_resolutions_one_wins(client, db) -> None:
    h = bearer((await citizen_login(client))["access_token"])
    c = (await client.post(ME, json={"category": "other", "text": "x"}, headers=h)).json()
    ops = await staff(client, db, Role.OPERATIONS)
    url = f"{ADMIN}/{c['complaint_id']}/resolve"
    answers = await asyncio.gather(
        *(client.post(url, json={"text": f"answer {i}"}, headers=ops) for i in range(6))
    )
    assert sorted(a.status_code for a in answers) == [201] + [409] * 5
    steps = (await client.get(f"{ME}/{c['complaint_id']}", headers=h)).json()["steps"]
    assert [s["step"] for s in steps] == ["filed", "resolved"]
