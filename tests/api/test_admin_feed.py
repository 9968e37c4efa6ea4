"""Configuring a bike-share operator's MDS pull feed: token stored encrypted, never shown."""

from __future__ import annotations

from domain.crypto import DataProtector
from domain.identity.principal import Role
from tests.helpers import assert_problem, bearer, make_operator, staff_login


async def test_configure_feed(client, db, settings) -> None:
    bike = await make_operator(db, DataProtector(settings.data_key), "bikeshare")
    metro = await make_operator(db, DataProtector(settings.data_key), "metro")
    ops = await staff_login(client, db, Role.OPERATIONS)
    h = bearer(ops["access_token"])
    body = {
        "base_url": "https://mds.example.test/v2/",
        "token": "secret-bearer",
        "mds_version": "2.0",
    }
    r = await client.put(f"/v1/admin/operators/{bike[0]}/feed", json=body, headers=h)
    assert r.status_code == 200, r.text
    assert "secret-bearer" not in r.text
    assert r.json()["base_url"] == "https://mds.example.test/v2"
    async with db.unit_of_work() as uow:
        feed = await uow.feeds.get(bike[0])
    assert "secret-bearer" not in feed.token_encrypted
    assert DataProtector(settings.data_key).decrypt(feed.token_encrypted) == "secret-bearer"
    r = await client.get(f"/v1/admin/operators/{bike[0]}/feed", headers=h)
    assert r.json()["recent_pulls"] == []

    r = await client.put(f"/v1/admin/operators/{metro[0]}/feed", json=body, headers=h)
    assert_problem(r, 422, "not_bikeshare")
    bad = {**body, "mds_version": "9.9"}
    assert_problem(
        await client.put(f"/v1/admin/operators/{bike[0]}/feed", json=bad, headers=h), 422
    )
    auditor = await staff_login(client, db, Role.AUDITOR)
    r = await client.get(
        "/v1/admin/audit", params={"target_id": bike[0]}, headers=bearer(auditor["access_token"])
    )
    assert "operator.feed.configure" in [e["action"] for e in r.json()["items"]]
