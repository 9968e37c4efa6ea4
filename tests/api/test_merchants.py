"""Merchants apply to the alliance, staff approve them, add stores and cashiers; offers wait
for approval."""

from __future__ import annotations

from datetime import timedelta

from domain.clock import utcnow
from domain.identity.principal import Role
from tests.helpers import assert_problem, bearer, staff_login


async def test_an_application_is_pending_until_staff_approve_it(client, db):
    r = await client.post(
        "/v1/merchant-applications",
        json={"name": "Lotus Tea House", "contact_name": "Ms Li", "contact_phone": "13800001234"},
    )
    assert r.status_code == 201 and r.json()["status"] == "pending"
    merchant = r.json()["merchant_id"]
    ops = bearer((await staff_login(client, db, Role.OPERATIONS))["access_token"])
    pending = (await client.get("/v1/admin/merchants?status=pending", headers=ops)).json()
    assert [m["merchant_id"] for m in pending["items"]] == [merchant]
    store = await client.post(
        f"/v1/admin/merchants/{merchant}/stores", json={"name": "Confucius Temple"}, headers=ops
    )
    assert_problem(store, 409, "merchant_not_approved")
    approved = await client.post(f"/v1/admin/merchants/{merchant}/approve", headers=ops)
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert_problem(
        await client.post(f"/v1/admin/merchants/{merchant}/reject", headers=ops),
        409,
        "invalid_transition",
    )
    store = await client.post(
        f"/v1/admin/merchants/{merchant}/stores", json={"name": "Confucius Temple"}, headers=ops
    )
    assert store.status_code == 201
    store_id = store.json()["store_id"]

    admin = bearer((await staff_login(client, db, Role.ADMIN))["access_token"])
    cashier = await client.post(
        "/v1/admin/staff",
        json={
            "username": "lotus-till-1",
            "password": "correct horse battery",
            "role": "merchant",
            "merchant_id": merchant,
            "store_id": store_id,
        },
        headers=admin,
    )
    assert cashier.status_code == 201 and cashier.json()["store_id"] == store_id
    login = await client.post(
        "/v1/auth/staff", json={"username": "lotus-till-1", "password": "correct horse battery"}
    )
    till = bearer(login.json()["access_token"])

    now = utcnow()
    proposal = {
        "title": "Jasmine tea",
        "points_price": 200,
        "stock": 50,
        "valid_from": (now - timedelta(hours=1)).isoformat(),
        "valid_until": (now + timedelta(days=10)).isoformat(),
    }
    offer = await client.post("/v1/merchant/offers", json=proposal, headers=till)
    assert offer.status_code == 201 and offer.json()["status"] == "pending"
    offer_id = offer.json()["offer_id"]
    assert (await client.get("/v1/offers")).json()["items"] == []
    ok = await client.post(f"/v1/admin/offers/{offer_id}/approve", headers=ops)
    assert ok.json()["status"] == "approved"
    live = (await client.get("/v1/offers")).json()["items"]
    assert [(o["offer_id"], o["merchant"]["name"]) for o in live] == [(offer_id, "Lotus Tea House")]
    backwards = {**proposal, "valid_until": proposal["valid_from"]}
    assert_problem(
        await client.post("/v1/merchant/offers", json=backwards, headers=till), 422, "invalid_offer"
    )
    assert_problem(await client.get("/v1/admin/offers", headers=till), 403)


async def test_a_store_must_belong_to_the_cashiers_merchant(client, db):
    admin = bearer((await staff_login(client, db, Role.ADMIN))["access_token"])
    a = (await client.post("/v1/admin/merchants", json={"name": "A"}, headers=admin)).json()
    b = (await client.post("/v1/admin/merchants", json={"name": "B"}, headers=admin)).json()
    store_b = (
        await client.post(
            f"/v1/admin/merchants/{b['merchant_id']}/stores", json={"name": "B1"}, headers=admin
        )
    ).json()
    r = await client.post(
        "/v1/admin/staff",
        json={
            "username": "a-till",
            "password": "correct horse battery",
            "role": "merchant",
            "merchant_id": a["merchant_id"],
            "store_id": store_b["store_id"],
        },
        headers=admin,
    )
    assert_problem(r, 404, "store_not_found")


async def test_a_suspended_merchants_offers_are_off_sale(client, db):
    from tests.economy import buy, give_points, make_offer
    from tests.helpers import citizen_login, make_merchant

    merchant = await make_merchant(db)
    offer_id = await make_offer(db, merchant)
    citizen = await citizen_login(client)
    await give_points(db, citizen["citizen_id"], 500)
    assert (await buy(client, citizen, offer_id)).status_code == 201
    ops = bearer((await staff_login(client, db, Role.OPERATIONS))["access_token"])
    r = await client.post(f"/v1/admin/merchants/{merchant}/suspend", headers=ops)
    assert r.json()["status"] == "suspended"
    assert (await client.get("/v1/offers")).json()["items"] == []
    assert_problem(await client.get(f"/v1/offers/{offer_id}"), 410, "offer_ended")
    assert_problem(await buy(client, citizen, offer_id), 410, "offer_ended")
    await client.post(f"/v1/admin/merchants/{merchant}/approve", headers=ops)
    assert [o["offer_id"] for o in (await client.get("/v1/offers")).json()["items"]] == [offer_id]
