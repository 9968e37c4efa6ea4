"""Sign-in is rate-limited per client address, and the address is the peer unless the peer is a
trusted proxy (PUHUI_TRUSTED_PROXIES): rotating X-Forwarded-For buys nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import msgspec
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.cli.commands import uvicorn_options
from api.settings import Settings
from tests.helpers import assert_problem, from_peer, xff
from tests.live import serve

WRONG = {"username": "nobody", "password": "wrong password"}


@asynccontextmanager
async def serving(settings: Settings, peer: str | None = None, **changes) -> AsyncIterator:
    app = create_app(msgspec.structs.replace(settings, **changes))
    async with AsyncTestClient(app=from_peer(app, peer) if peer else app) as client:
        yield client


async def test_staff_sign_in_is_limited_per_address(settings) -> None:
    async with serving(settings, auth_rate_limit_per_minute=3) as client:
        for _ in range(3):
            assert_problem(await client.post("/v1/auth/staff", json=WRONG), 401)
        r = await client.post("/v1/auth/staff", json=WRONG)
        assert_problem(r, 429, "rate_limited")
        assert int(r.headers["retry-after"]) >= 1
        # other endpoints are not limited by it
        assert (await client.get("/health")).status_code == 200


async def test_rotating_x_forwarded_for_does_not_escape_the_limit(settings) -> None:
    # uvicorn used to believe X-Forwarded-For from 127.0.0.1; nobody is trusted by default
    async with serving(settings, "127.0.0.1", auth_rate_limit_per_minute=3) as client:
        for i in range(3):
            r = await client.post("/v1/auth/staff", json=WRONG, headers=xff(f"10.0.0.{i}"))
            assert_problem(r, 401)
        r = await client.post("/v1/auth/staff", json=WRONG, headers=xff("10.0.0.99"))
        assert_problem(r, 429, "rate_limited")


async def test_puhui_serve_keeps_uvicorn_from_believing_x_forwarded_for(settings) -> None:
    """Through real sockets from 127.0.0.1, with the options `puhui serve` gives uvicorn."""
    app = create_app(msgspec.structs.replace(settings, auth_rate_limit_per_minute=2))
    options = uvicorn_options(settings)
    assert options["proxy_headers"] is False
    del options["host"], options["port"], options["workers"]
    async with serve(app, **options) as url, httpx.AsyncClient(base_url=url) as http:
        for i in range(2):
            r = await http.post("/v1/auth/staff", json=WRONG, headers=xff(f"10.0.0.{i}"))
            assert_problem(r, 401)
        r = await http.post("/v1/auth/staff", json=WRONG, headers=xff("10.0.0.99"))
        assert_problem(r, 429, "rate_limited")


async def test_forwarding_from_a_peer_that_is_not_trusted_is_ignored(settings) -> None:
    async with serving(
        settings, "192.0.2.7", auth_rate_limit_per_minute=2, trusted_proxies=("10.0.0.0/8",)
    ) as client:
        for i in range(2):
            r = await client.post("/v1/auth/staff", json=WRONG, headers=xff(f"203.0.113.{i}"))
            assert_problem(r, 401)
        r = await client.post("/v1/auth/staff", json=WRONG, headers=xff("203.0.113.50"))
        assert_problem(r, 429, "rate_limited")


async def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_bucket(settings) -> None:
    async with serving(
        settings, "127.0.0.1", auth_rate_limit_per_minute=2, trusted_proxies=("127.0.0.1",)
    ) as client:
        for _ in range(2):
            r = await client.post("/v1/auth/staff", json=WRONG, headers=xff("203.0.113.5"))
            assert_problem(r, 401)
        r = await client.post("/v1/auth/staff", json=WRONG, headers=xff("203.0.113.5"))
        assert_problem(r, 429, "rate_limited")
        # what the client itself wrote in front of the proxy's entry is not believed
        spoofed = xff("198.51.100.1, 203.0.113.5")
        assert_problem(await client.post("/v1/auth/staff", json=WRONG, headers=spoofed), 429)
        # another client behind the same proxy still has its whole allowance
        r = await client.post("/v1/auth/staff", json=WRONG, headers=xff("203.0.113.6"))
        assert_problem(r, 401, "bad_credentials")


async def test_citizen_sign_in_has_its_own_higher_per_address_limit(settings) -> None:
    async with serving(
        settings,
        "100.64.0.1",  # a carrier's NAT: every phone behind it shares this address
        auth_rate_limit_per_minute=1,
        citizen_auth_rate_limit_per_minute=4,
    ) as client:
        assert_problem(await client.post("/v1/auth/staff", json=WRONG), 401)
        assert_problem(await client.post("/v1/auth/staff", json=WRONG), 429)
        for i in range(4):  # the staff bucket is spent; the citizens' is not
            r = await client.post("/v1/auth/dev", json={"openid": f"phone-{i}"})
            assert r.status_code == 200, r.text
        r = await client.post("/v1/auth/dev", json={"openid": "phone-5"})
        assert_problem(r, 429, "rate_limited")
        assert int(r.headers["retry-after"]) >= 1


async def test_ipv6_clients_count_per_64(settings) -> None:
    async with serving(
        settings, "::1", auth_rate_limit_per_minute=2, trusted_proxies=("::1",)
    ) as client:
        for host in ("2001:db8:1:2::a", "2001:db8:1:2::b"):
            assert_problem(await client.post("/v1/auth/staff", json=WRONG, headers=xff(host)), 401)
        r = await client.post("/v1/auth/staff", json=WRONG, headers=xff("2001:db8:1:2::c"))
        assert_problem(r, 429, "rate_limited")
        r = await client.post("/v1/auth/staff", json=WRONG, headers=xff("2001:db8:1:3::a"))
        assert_problem(r, 401)
