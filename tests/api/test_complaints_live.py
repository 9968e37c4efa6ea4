"""A citizen's complaint answered by staff: `complaint.updated` reaches the citizen's live stream
after the answer commits (SSE, over a real server)."""

from __future__ import annotations

import asyncio
import json

import httpx

from domain.identity.principal import Role
from tests.api.test_live_events import _next_event, live  # noqa: F401 (the fixture)
from tests.complaints_world import ADMIN, ME
from tests.helpers import bearer, staff_login
from tests.live import TIMEOUT


async def test_the_answer_arrives_live(live, db) -> None:  # noqa: F811
    async with httpx.AsyncClient(base_url=live, timeout=TIMEOUT) as http:
        citizen = (await http.post("/v1/auth/dev", json={"openid": "cp-live-1"})).json()
        h = bearer(citizen["access_token"])
        c = (await http.post(ME, json={"category": "other", "text": "hello"}, headers=h)).json()
        ops = bearer((await staff_login(http, db, Role.OPERATIONS))["access_token"])
        async with http.stream("GET", "/v1/me/events", headers=h) as stream:
            lines = stream.aiter_lines()
            assert (await asyncio.wait_for(_next_event(lines), TIMEOUT))[0] == "ready"
            r = await http.post(
                f"{ADMIN}/{c['complaint_id']}/respond", json={"text": "收到"}, headers=ops
            )
            assert r.status_code == 201, r.text
            event, data = await asyncio.wait_for(_next_event(lines), TIMEOUT)
    assert event == "complaint.updated"
    assert json.loads(data) == {
        "complaint_id": c["complaint_id"],
        "step": "responded",
        "status": "responded",
    }
