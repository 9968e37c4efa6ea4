"""A Redis of the test's own, killed with SIGKILL and restarted on the same port, under a real
server: while it is down, what needs it answers 503 dependency_unavailable with Retry-After and
everything else works (authenticated and signed requests included: their security state is in
the database); once it is back, everything works again with no restart of ours and no error from
a connection pooled before the restart. A logged-out token and a spent nonce stay refused."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import msgspec
import pytest
import websockets
from redis.asyncio import Redis

from api.app import create_app
from api.events import citizen_channel
from api.redis_link import connect
from domain.identity.principal import Role
from tests.api.test_feed_metro import journey
from tests.api.test_live_events import _setup
from tests.helpers import assert_problem, bearer, dumps, signed_headers, staff_login
from tests.live import TIMEOUT, serve
from tests.redis_server import RedisServer


@pytest.fixture
async def redis_server() -> AsyncIterator[RedisServer]:
    server = RedisServer()
    await server.start()
    try:
        yield server
    finally:
        await server.kill()


async def _events_into(stream: httpx.Response, queue: asyncio.Queue[tuple[str, Any]]) -> None:
    event = None
    async for line in stream.aiter_lines():
        if line.startswith("event:"):
            event = line.split(":", 1)[1].strip()
        elif line.startswith("data:") and event:
            queue.put_nowait((event, json.loads(line.split(":", 1)[1])))
            event = None


async def _push(http: httpx.AsyncClient, metro, ext: str, *, hours_ago: int) -> dict[str, Any]:
    path = f"/v1/operators/{metro[0]}/trips"
    end = datetime.now(UTC) - timedelta(hours=hours_ago)
    body = dumps({"trips": [journey(ext, "live-card", "NJM101", "NJM110", end)]})
    headers = signed_headers("POST", path, metro[1], metro[2], body)
    r = await http.post(path, content=body, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()["results"][0]


async def _subscribed(url: str, channel: str) -> None:
    client = Redis.from_url(url)
    try:
        async with asyncio.timeout(TIMEOUT):
            while True:  # the subscription is made by the server's own task
                if dict(await client.pubsub_numsub(channel)).get(channel.encode()):
                    return
                await asyncio.sleep(0.05)
    finally:
        await client.aclose()


def _never_500(responses: list[httpx.Response]) -> None:
    for r in responses:
        assert r.status_code < 500 or r.json()["code"] == "dependency_unavailable", r.text


async def test_redis_killed_and_restarted(redis_server, db, settings, monkeypatch) -> None:
    monkeypatch.setattr("api.citizen.events.KEEPALIVE_SECONDS", 0.2)
    app = create_app(msgspec.structs.replace(settings, redis_url=redis_server.url))
    seen: list[httpx.Response] = []
    async with serve(app) as url, httpx.AsyncClient(base_url=url, timeout=TIMEOUT) as http:

        async def call(method: str, path: str, **kw: Any) -> httpx.Response:
            r = await http.request(method, path, **kw)
            seen.append(r)
            return r

        # --- Redis up --------------------------------------------------------------------
        citizen, metro = await _setup(http, db, settings)  # linked to the metro operator
        me = bearer(citizen["access_token"])
        gone = (await call("POST", "/v1/auth/dev", json={"openid": "logs-out"})).json()
        r = await call("POST", "/v1/auth/logout", json={"refresh_token": gone["refresh_token"]})
        assert r.status_code == 204
        admin = bearer((await staff_login(http, db, Role.ADMIN))["access_token"])
        ping = f"/v1/operators/{metro[0]}/ping"
        spent = signed_headers("GET", ping, metro[1], metro[2], nonce="before-the-restart")
        assert (await call("GET", ping, headers=spent)).status_code == 200
        assert (await call("GET", "/ready")).json()["checks"]["redis"] == "ok"

        events: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        async with (
            http.stream("GET", "/v1/me/events", headers=me) as survivor,
            AsyncExitStack() as stack,
        ):
            reader = asyncio.create_task(_events_into(survivor, events))
            stack.callback(reader.cancel)
            assert (await asyncio.wait_for(events.get(), TIMEOUT))[0] == "ready"

            # --- Redis killed ----------------------------------------------------------------
            await redis_server.kill()
            assert (await call("GET", "/v1/me", headers=me)).status_code == 200
            assert (await call("GET", "/v1/me/trips", headers=me)).status_code == 200
            assert (await call("GET", "/v1/admin/merchants", headers=admin)).status_code == 200
            r = await call("GET", "/v1/me", headers=bearer(gone["access_token"]))
            assert_problem(r, 401, "token_revoked")
            assert_problem(await call("GET", ping, headers=spent), 401, "nonce_reused")
            fresh = signed_headers("GET", ping, metro[1], metro[2])
            assert (await call("GET", ping, headers=fresh)).status_code == 200
            credited = await _push(http, metro, "during-the-outage", hours_ago=3)  # event lost
            assert credited["status"] == "credited", credited

            r = await call("GET", "/v1/me/events", headers=me)  # a new live stream needs Redis
            body = assert_problem(r, 503, "dependency_unavailable")
            assert int(r.headers["retry-after"]) == body["retry_after"] > 0
            ws = url.replace("http", "ws") + f"/v1/me/stream?access_token={citizen['access_token']}"
            async with websockets.connect(ws) as socket:
                message = json.loads(await asyncio.wait_for(socket.recv(), TIMEOUT))
                assert message["data"]["code"] == "dependency_unavailable"
                await asyncio.wait_for(socket.wait_closed(), TIMEOUT)
            assert socket.close_code == 1013  # try again later

            r = await call("GET", "/ready")  # degraded, but serving: stay in rotation
            assert r.status_code == 200, r.text
            assert r.json()["status"] == "degraded"
            assert r.json()["checks"]["redis"].startswith("error")
            for _ in range(3):  # sign-ins: served (limits per process) or 503, never 500
                r = await call("POST", "/v1/auth/dev", json={"openid": "signs-in-during"})
                if r.status_code != 200:
                    assert_problem(r, 503, "dependency_unavailable")
                    assert "retry-after" in r.headers

            # --- Redis restarted on the same port, empty -------------------------------------
            await redis_server.start()
            r = await call("GET", "/ready")  # the first use of the pool after the restart
            assert r.json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}
            r = await call("POST", "/v1/auth/dev", json={"openid": "signs-in-after"})
            assert r.status_code == 200, r.text
            assert (await call("GET", "/v1/me", headers=me)).status_code == 200
            r = await call("GET", "/v1/me", headers=bearer(gone["access_token"]))
            assert_problem(r, 401, "token_revoked")  # Redis forgot everything; the database not
            assert_problem(await call("GET", ping, headers=spent), 401, "nonce_reused")
            fresh = signed_headers("GET", ping, metro[1], metro[2])
            assert (await call("GET", ping, headers=fresh)).status_code == 200

            # the stream opened before the outage hears events again: the service subscribes
            # the restarted Redis to its channel by itself (wait for that, then credit a trip)
            await _subscribed(redis_server.url, citizen_channel(citizen["citizen_id"]))
            result = await _push(http, metro, "after-the-restart", hours_ago=1)
            assert result["status"] == "credited", result
            event, data = await asyncio.wait_for(events.get(), TIMEOUT)
            assert event == "points.credited" and data["trip_id"] == result["trip_id"]

        async with http.stream("GET", "/v1/me/events", headers=me) as again:
            assert again.status_code == 200  # new streams open again
    _never_500(seen)


async def test_a_pooled_connection_outlives_a_redis_restart(redis_server) -> None:
    client = connect(redis_server.url)
    try:
        assert await client.set("k", "v")
        await redis_server.kill()
        await redis_server.start()
        # the pooled connection's peer is gone: it is replaced, not reported
        assert await client.ping()
        assert await client.get("k") is None  # a new, empty server
    finally:
        await client.aclose()
