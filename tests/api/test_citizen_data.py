"""Consent, export, erasure, and that a citizen never reads another citizen's data."""

from __future__ import annotations

import time

import jwt
from litestar.testing import AsyncTestClient

from tests.helpers import assert_problem, bearer, citizen_login


async def test_consent_is_recorded_once_per_version(client: AsyncTestClient) -> None:
    tokens = await citizen_login(client)
    h = bearer(tokens["access_token"])
    r = await client.put("/v1/me/consent", json={"version": "2026-01"}, headers=h)
    assert r.status_code == 200
    first = r.json()["consent"]
    assert first["version"] == "2026-01"
    again = (await client.put("/v1/me/consent", json={"version": "2026-01"}, headers=h)).json()
    assert again["consent"]["given_at"] == first["given_at"]
    assert (await client.get("/v1/me", headers=h)).json()["consent"] == first
    assert_problem(await client.put("/v1/me/consent", json={"version": ""}, headers=h), 400)
    assert_problem(await client.put("/v1/me/consent", json={"version": "   "}, headers=h), 422)


async def test_export_holds_my_data_and_no_raw_openid(client: AsyncTestClient) -> None:
    tokens = await citizen_login(client, "openid-export-me")
    h = bearer(tokens["access_token"])
    await client.put("/v1/me/consent", json={"version": "v1"}, headers=h)
    r = await client.get("/v1/me/export", headers=h)
    assert r.status_code == 200
    data = r.json()
    assert data["citizen"]["citizen_id"] == tokens["citizen_id"]
    assert data["citizen"]["consent"]["version"] == "v1"
    assert len(data["sessions"]) == 1
    assert "openid-export-me" not in r.text


async def test_openid_is_stored_only_as_a_keyed_hash(client, db) -> None:
    tokens = await citizen_login(client, "openid-in-clear?")
    async with db.unit_of_work() as uow:
        citizen = await uow.citizens.get(tokens["citizen_id"])
    assert citizen.openid_hash and "openid-in-clear?" not in citizen.openid_hash
    assert len(citizen.openid_hash) == 64


async def test_erasure(client: AsyncTestClient, db) -> None:
    tokens = await citizen_login(client, "openid-erase")
    h = bearer(tokens["access_token"])
    await client.put("/v1/me/consent", json={"version": "v1"}, headers=h)
    assert (await client.delete("/v1/me", headers=h)).status_code == 204

    assert_problem(await client.get("/v1/me", headers=h), 401)
    r = await client.post("/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert_problem(r, 401)
    async with db.unit_of_work() as uow:
        erased = await uow.citizens.get(tokens["citizen_id"])
    assert erased.status == "erased"
    assert erased.openid_hash is None and erased.consent_version is None
    # logging in with the same openid no longer reaches the erased account
    fresh = await citizen_login(client, "openid-erase")
    assert fresh["citizen_id"] != tokens["citizen_id"]
    me = (await client.get("/v1/me", headers=bearer(fresh["access_token"]))).json()
    assert me["consent"] is None


async def test_a_citizen_reads_only_their_own_data(client: AsyncTestClient, settings) -> None:
    alice = await citizen_login(client, "alice")
    bob = await citizen_login(client, "bob")
    await client.put(
        "/v1/me/consent", json={"version": "bob-v"}, headers=bearer(bob["access_token"])
    )
    for path in ("/v1/me", "/v1/me/export"):
        r = await client.get(path, headers=bearer(alice["access_token"]))
        assert bob["citizen_id"] not in r.text
        assert "bob-v" not in r.text
    # a token naming Bob that was not signed by us gets nothing
    now = int(time.time())
    forged = jwt.encode(
        {
            "iss": "puhui",
            "aud": "puhui-api",
            "sub": bob["citizen_id"],
            "typ": "citizen",
            "fam": "x",
            "iat": now,
            "exp": now + 60,
        },
        "guessed-secret-guessed-secret-guessed",
        algorithm="HS256",
    )
    assert_problem(await client.get("/v1/me", headers=bearer(forged)), 401)
    # and a citizen cannot erase anyone but themselves: DELETE /v1/me has no id to aim with
    assert (await client.delete("/v1/me", headers=bearer(alice["access_token"]))).status_code == 204
    assert (await client.get("/v1/me", headers=bearer(bob["access_token"]))).status_code == 200
