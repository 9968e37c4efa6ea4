"""Disabling staff, disabling (removing) a cashier and erasing a citizen end every session of
theirs at once: each of their access tokens, other sessions included, is refused on the next
request, although this process had just remembered those sessions as standing."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from domain.identity.principal import Role
from tests.economy import buy, cashier, give_points, make_offer, scan
from tests.helpers import PASSWORD, assert_problem, bearer, citizen_login, make_merchant, make_staff


async def _sign_in(client: AsyncTestClient, username: str) -> dict[str, Any]:
    r = await client.post("/v1/auth/staff", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return r.json()


async def _disable(client: AsyncTestClient, admin: dict[str, Any], staff_id: str) -> None:
    r = await client.patch(
        f"/v1/admin/staff/{staff_id}", json={"active": False}, headers=bearer(admin["access_token"])
    )
    assert r.status_code == 200, r.text
    assert r.json()["active"] is False


async def test_disabling_staff_ends_all_their_sessions(client: AsyncTestClient, db) -> None:
    await make_staff(db, "head-admin", Role.ADMIN)
    admin = await _sign_in(client, "head-admin")
    staff_id = await make_staff(db, "ops-one", Role.OPERATIONS)
    desk, laptop = await _sign_in(client, "ops-one"), await _sign_in(client, "ops-one")
    for session in (desk, laptop):  # both work, and this process now remembers them standing
        r = await client.get("/v1/admin/merchants", headers=bearer(session["access_token"]))
        assert r.status_code == 200, r.text

    await _disable(client, admin, staff_id)

    for session in (desk, laptop):
        r = await client.get("/v1/admin/merchants", headers=bearer(session["access_token"]))
        assert_problem(r, 401, "token_revoked")
        r = await client.post("/v1/auth/refresh", json={"refresh_token": session["refresh_token"]})
        assert_problem(r, 401)
    # the admin who did it is untouched
    r = await client.get("/v1/admin/merchants", headers=bearer(admin["access_token"]))
    assert r.status_code == 200


async def test_a_removed_cashier_redeems_nothing_more(client: AsyncTestClient, db) -> None:
    await make_staff(db, "shop-admin", Role.ADMIN)
    admin = await _sign_in(client, "shop-admin")
    merchant = await make_merchant(db)
    offer = await make_offer(db, merchant, price=10)
    citizen = await citizen_login(client)
    await give_points(db, citizen["citizen_id"], 100)
    bought = [await buy(client, citizen, offer) for _ in range(2)]
    assert [r.status_code for r in bought] == [201, 201], bought[-1].text
    first, second = (r.json() for r in bought)

    till = await cashier(client, db, merchant)
    other_till = await client.post(
        "/v1/auth/refresh", json={"refresh_token": till["refresh_token"]}
    )  # a second access token of the same login, as a phone that refreshed has
    assert other_till.status_code == 200
    r = await scan(client, till, token=first["token"])
    assert r.status_code == 200, r.text

    await _disable(client, admin, till["staff_id"])

    for session in (till, other_till.json()):
        assert_problem(await scan(client, session, token=second["token"]), 401, "token_revoked")
    r = await client.get("/v1/me/vouchers", headers=bearer(citizen["access_token"]))
    unredeemed = [v for v in r.json()["items"] if v["voucher_id"] == second["voucher_id"]]
    assert unredeemed and unredeemed[0]["status"] == "issued"


async def test_erasure_ends_every_session_of_the_citizen(client: AsyncTestClient) -> None:
    phone = await citizen_login(client, "erase-me")
    tablet = await citizen_login(client, "erase-me")  # the same citizen, another session
    assert phone["citizen_id"] == tablet["citizen_id"]
    reads = ("/v1/me", "/v1/me/trips", "/v1/me/ledger", "/v1/me/vouchers", "/v1/me/bindings")
    for path in reads:
        r = await client.get(path, headers=bearer(tablet["access_token"]))
        assert r.status_code == 200, (path, r.text)

    r = await client.delete("/v1/me", headers=bearer(phone["access_token"]))
    assert r.status_code == 204

    for session in (phone, tablet):
        for path in reads:
            r = await client.get(path, headers=bearer(session["access_token"]))
            assert_problem(r, 401, "token_revoked")
