"""Security state lives in the database: what Redis and process memory forget, it remembers.

Each test ends a session or spends a nonce through one app, then asks a second app built on the
same database (a new process: empty memory) after the Redis test database was emptied (a Redis
restart without persistence, as compose runs it)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import msgspec
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis

from api.app import create_app
from api.settings import Settings
from domain.crypto import DataProtector
from domain.identity.principal import Role
from tests.helpers import (
    assert_problem,
    bearer,
    citizen_login,
    make_operator,
    signed_headers,
    staff_login,
)
from tests.live import http_client


async def _redis_forgets(settings: Settings) -> None:
    if settings.redis_url:
        client = Redis.from_url(settings.redis_url)
        await client.flushdb()
        await client.aclose()


@asynccontextmanager
async def _another_process(settings: Settings) -> AsyncIterator[AsyncTestClient]:
    await _redis_forgets(settings)
    async with AsyncTestClient(app=create_app(settings)) as other:
        yield other


async def test_a_logged_out_token_stays_refused(client: AsyncTestClient, settings) -> None:
    citizen = await citizen_login(client)
    h = bearer(citizen["access_token"])
    assert (await client.get("/v1/me", headers=h)).status_code == 200
    r = await client.post("/v1/auth/logout", json={"refresh_token": citizen["refresh_token"]})
    assert r.status_code == 204
    assert_problem(await client.get("/v1/me", headers=h), 401, "token_revoked")
    async with _another_process(settings) as other:
        assert_problem(await other.get("/v1/me", headers=h), 401, "token_revoked")


async def test_a_reused_refresh_token_ends_the_session_everywhere(
    client: AsyncTestClient, settings
) -> None:
    first = await citizen_login(client)
    second = (
        await client.post("/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    ).json()
    reuse = await client.post("/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert_problem(reuse, 401, "refresh_token_reused")
    async with _another_process(settings) as other:
        r = await other.get("/v1/me", headers=bearer(second["access_token"]))
        assert_problem(r, 401, "token_revoked")


async def test_another_process_refuses_a_disabled_account_at_once(
    client: AsyncTestClient, db, settings
) -> None:
    """With no memory of standing sessions (PUHUI_SESSION_CACHE_SECONDS=0) a process that did not
    disable the account refuses its token on the very next request: the database said so."""
    other_settings = msgspec.structs.replace(settings, session_cache_seconds=0)
    admin = await staff_login(client, db, Role.ADMIN)
    ops = await staff_login(client, db, Role.OPERATIONS)
    h = bearer(ops["access_token"])
    async with AsyncTestClient(app=create_app(other_settings)) as other:
        assert (await other.get("/v1/admin/merchants", headers=h)).status_code == 200
        r = await client.patch(
            f"/v1/admin/staff/{ops['staff_id']}",
            json={"active": False},
            headers=bearer(admin["access_token"]),
        )
        assert r.status_code == 200
        assert_problem(await other.get("/v1/admin/merchants", headers=h), 401, "token_revoked")


async def test_a_nonce_is_refused_after_redis_forgot_it(client, db, settings) -> None:
    op, key, secret = await make_operator(db, DataProtector(settings.data_key))
    path = f"/v1/operators/{op}/ping"
    sent = signed_headers("GET", path, key, secret, nonce="once-only")
    assert (await client.get(path, headers=sent)).status_code == 200
    async with _another_process(settings) as other:
        assert_problem(await other.get(path, headers=sent), 401, "nonce_reused")
        fresh = signed_headers("GET", path, key, secret)
        assert (await other.get(path, headers=fresh)).status_code == 200


async def test_a_nonce_sent_at_once_by_many_clients_is_accepted_once(db, settings) -> None:
    op, key, secret = await make_operator(db, DataProtector(settings.data_key))
    path = f"/v1/operators/{op}/ping"
    sent = signed_headers("GET", path, key, secret, nonce="raced")
    async with http_client(create_app(settings)) as http:
        answers = await asyncio.gather(*(http.get(path, headers=sent) for _ in range(8)))
    assert sorted(r.status_code for r in answers) == [200] + [401] * 7
    for r in answers:
        if r.status_code == 401:
            assert_problem(r, 401, "nonce_reused")


async def test_nonces_must_be_visible_ascii(client, db, settings) -> None:
    op, key, secret = await make_operator(db, DataProtector(settings.data_key))
    path = f"/v1/operators/{op}/ping"
    for nonce in ("with space", "tab\there", "bell\x07"):
        r = await client.get(path, headers=signed_headers("GET", path, key, secret, nonce=nonce))
        assert_problem(r, 401, "bad_nonce")
