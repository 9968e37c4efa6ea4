"""Configuring an operator's pull feed (any kind, by format): the token is stored encrypted and
never shown."""

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
    assert (r.json()["format"], r.json()["mds_version"]) == ("mds-2.0", "2.0")
    async with db.unit_of_work() as uow:
        feed = await uow.feeds.get(bike[0])
    assert "secret-bearer" not in feed.token_encrypted
    assert DataProtector(settings.data_key).decrypt(feed.token_encrypted) == "secret-bearer"
    r = await client.get(f"/v1/admin/operators/{bike[0]}/feed", headers=h)
    assert r.json()["recent_pulls"] == []

    r = await client.put(f"/v1/admin/operators/{metro[0]}/feed", json=body, headers=h)
    assert_problem(r, 422, "invalid_feed")  # an MDS feed is for bike-share operators
    bad = {**body, "mds_version": "9.9"}
    assert_problem(
        await client.put(f"/v1/admin/operators/{bike[0]}/feed", json=bad, headers=h),
        422,
        "invalid_feed",
    )
    auditor = await staff_login(client, db, Role.AUDITOR)
    r = await client.get(
        "/v1/admin/audit", params={"target_id": bike[0]}, headers=bearer(auditor["access_token"])
    )
    assert "operator.feed.configure" in [e["action"] for e in r.json()["items"]]


async def test_feed_formats(client, db, settings) -> None:
    protector = DataProtector(settings.data_key)
    bike = await make_operator(db, protector, "bikeshare")
    metro = await make_operator(db, protector, "metro")
    bus = await make_operator(db, protector, "bus")
    h = bearer((await staff_login(client, db, Role.ADMIN))["access_token"])
    base = {"base_url": "https://feeds.example.test/export", "token": "tok-1"}

    async def put(op: str, **extra: object):
        return await client.put(f"/v1/admin/operators/{op}/feed", json={**base, **extra}, headers=h)

    r = await put(metro[0], format="metro-taps")
    assert r.status_code == 200, r.text
    assert (r.json()["format"], r.json()["mds_version"]) == ("metro-taps", None)
    r = await put(metro[0], format="metro-journeys", enabled=False)
    assert (r.json()["format"], r.json()["enabled"]) == ("metro-journeys", False)
    r = await client.get(f"/v1/admin/operators/{metro[0]}/feed", headers=h)
    assert r.json()["format"] == "metro-journeys"
    r = await put(bus[0], format="bus-boardings")
    assert (r.json()["format"], r.json()["mds_version"]) == ("bus-boardings", None)
    # bike-share: the format, the older mds_version, or neither (MDS 2.0)
    r = await put(bike[0], format="mds-1.2")
    assert (r.json()["format"], r.json()["mds_version"]) == ("mds-1.2", "1.2")
    r = await put(bike[0])
    assert (r.json()["format"], r.json()["mds_version"]) == ("mds-2.0", "2.0")
    r = await put(bike[0], mds_version="1.2", format="mds-1.2")
    assert r.json()["format"] == "mds-1.2"
    async with db.unit_of_work() as uow:
        feed = await uow.feeds.get(bike[0])
    assert (feed.format, feed.mds_version) == ("mds-1.2", "1.2")

    assert_problem(await put(bike[0], mds_version="2.0", format="mds-1.2"), 422, "invalid_feed")
    assert_problem(await put(metro[0]), 422, "invalid_feed")  # no default for metro
    assert_problem(await put(metro[0], format="bus-boardings"), 422, "invalid_feed")
    assert_problem(await put(bus[0], format="metro-taps"), 422, "invalid_feed")
    assert_problem(await put(bike[0], format="gtfs-rt"), 422, "invalid_feed")
    assert_problem(await put(metro[0], format="metro-taps", base_url="ftp://x.test/y"), 422)
    assert_problem(await put("01NOSUCHOPERATOR0000000000", format="metro-taps"), 404)
    assert "tok-1" not in (await client.get(f"/v1/admin/operators/{bus[0]}/feed", headers=h)).text
