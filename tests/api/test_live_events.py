"""Live events over a real server: SSE and WebSocket see points.credited after commit."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import websockets

from api.app import create_app
from domain.crypto import DataProtector
from tests.api.test_feed_metro import journey
from tests.helpers import dumps, import_demo_network, make_operator, signed_headers
from tests.live import TIMEOUT, serve


@pytest.fixture
async def live(settings) -> AsyncIterator[str]:
    async with serve(create_app(settings)) as url:
        yield url


async def _setup(http: httpx.AsyncClient, db, settings) -> tuple[dict, tuple[str, str, str]]:
    metro = await make_operator(db, DataProtector(settings.data_key), "metro")
    await import_demo_network(db, metro[0])
    citizen = (await http.post("/v1/auth/dev", json={"openid": "live-1"})).json()
    h = {"Authorization": f"Bearer {citizen['access_token']}"}
    await http.put("/v1/me/consent", json={"version": "v1"}, headers=h)
    async with db.unit_of_work() as uow:
        row = await uow.citizens.get(citizen["citizen_id"])
        row.consent_given_at = datetime.now(UTC) - timedelta(days=1)
    code = (
        await http.post("/v1/me/binding-codes", json={"operator_id": metro[0]}, headers=h)
    ).json()
    path = f"/v1/operators/{metro[0]}/bindings"
    body = dumps({"code": code["code"], "external_account": "live-card"})
    r = await http.post(
        path, content=body, headers=signed_headers("POST", path, metro[1], metro[2], body)
    )
    assert r.status_code == 200, r.text
    return citizen, metro


async def _push_trip(http: httpx.AsyncClient, metro, ext: str) -> dict:
    path = f"/v1/operators/{metro[0]}/trips"
    end = datetime.now(UTC) - timedelta(minutes=5)
    body = dumps({"trips": [journey(ext, "live-card", "NJM101", "NJM110", end)]})
    r = await http.post(
        path, content=body, headers=signed_headers("POST", path, metro[1], metro[2], body)
    )
    return r.json()["results"][0]


async def _next_event(lines: AsyncIterator[str]) -> tuple[str, str]:
    event, data = None, None
    async for line in lines:
        if line.startswith("event:"):
            event = line.split(":", 1)[1].strip()
        elif line.startswith("data:"):
            data = line.split(":", 1)[1].strip()
        elif line == "" and event:
            return event, data
    raise AssertionError("stream ended")


async def test_sse_delivers_points_credited(live, db, settings, monkeypatch) -> None:
    monkeypatch.setattr("api.citizen.events.KEEPALIVE_SECONDS", 0.05)
    async with httpx.AsyncClient(base_url=live, timeout=TIMEOUT) as http:
        citizen, metro = await _setup(http, db, settings)
        h = {"Authorization": f"Bearer {citizen['access_token']}"}
        async with http.stream("GET", "/v1/me/events", headers=h) as stream:
            assert stream.headers["content-type"].startswith("text/event-stream")
            lines = stream.aiter_lines()
            assert (await asyncio.wait_for(_next_event(lines), TIMEOUT))[0] == "ready"
            # keep-alive comments come while nothing happens, and the stream survives them
            keepalives = 0
            while keepalives < 3:
                line = await asyncio.wait_for(lines.__anext__(), TIMEOUT)
                keepalives += line.startswith(": keep-alive")
            result = await _push_trip(http, metro, "sse-1")
            event, data = await asyncio.wait_for(_next_event(lines), TIMEOUT)
    assert event == "points.credited"
    payload = json.loads(data)
    assert payload == {
        "trip_id": result["trip_id"],
        "points": result["points"],
        "balance": result["points"],
    }


async def test_sse_needs_a_citizen_token(live) -> None:
    async with httpx.AsyncClient(base_url=live, timeout=TIMEOUT) as http:
        r = await http.get("/v1/me/events")
    assert r.status_code == 401


async def test_websocket_delivers_the_same_events(live, db, settings) -> None:
    async with httpx.AsyncClient(base_url=live, timeout=TIMEOUT) as http:
        citizen, metro = await _setup(http, db, settings)
        url = live.replace("http", "ws") + f"/v1/me/stream?access_token={citizen['access_token']}"
        async with websockets.connect(url) as ws:
            assert json.loads(await asyncio.wait_for(ws.recv(), TIMEOUT))["event"] == "ready"
            result = await _push_trip(http, metro, "ws-1")
            message = json.loads(await asyncio.wait_for(ws.recv(), TIMEOUT))
    assert message["event"] == "points.credited"
    assert message["data"]["trip_id"] == result["trip_id"]


async def test_websocket_refuses_a_bad_token(live) -> None:
    url = live.replace("http", "ws") + "/v1/me/stream?access_token=nope"
    async with websockets.connect(url) as ws:
        message = json.loads(await asyncio.wait_for(ws.recv(), TIMEOUT))
        assert message == {"event": "error", "data": {"code": "invalid_token"}}
        await asyncio.wait_for(ws.wait_closed(), TIMEOUT)
    assert ws.close_code == 4401


async def test_the_citizen_hears_voucher_redeemed(live, db) -> None:
    from tests.economy import give_points, make_offer
    from tests.helpers import make_merchant

    merchant = await make_merchant(db)
    offer_id = await make_offer(db, merchant)
    async with httpx.AsyncClient(base_url=live, timeout=TIMEOUT) as http:
        citizen = (await http.post("/v1/auth/dev", json={"openid": "live-voucher"})).json()
        await give_points(db, citizen["citizen_id"], 500)
        h = {"Authorization": f"Bearer {citizen['access_token']}", "Idempotency-Key": "k1"}
        voucher = (
            await http.post("/v1/me/vouchers", json={"offer_id": offer_id}, headers=h)
        ).json()
        till = await _cashier_token(http, db, merchant)
        url = live.replace("http", "ws") + f"/v1/me/stream?access_token={citizen['access_token']}"
        async with websockets.connect(url) as ws:
            assert json.loads(await asyncio.wait_for(ws.recv(), TIMEOUT))["event"] == "ready"
            r = await http.post(
                "/v1/merchant/redemptions",
                json={"token": voucher["token"], "nonce": "n-1"},
                headers={"Authorization": f"Bearer {till}"},
            )
            assert r.status_code == 200, r.text
            message = json.loads(await asyncio.wait_for(ws.recv(), TIMEOUT))
    assert message == {"event": "voucher.redeemed", "data": {"voucher_id": voucher["voucher_id"]}}


async def _cashier_token(http: httpx.AsyncClient, db, merchant_id: str) -> str:
    from domain.identity.principal import Role
    from tests.helpers import PASSWORD, make_staff

    await make_staff(db, "live-cashier", Role.MERCHANT, merchant_id)
    r = await http.post("/v1/auth/staff", json={"username": "live-cashier", "password": PASSWORD})
    return r.json()["access_token"]
