"""`puhui demo`'s registry: a newcomer sees the whole registry at once (a registered forest
project, its verified report issued, a transfer and a retirement with its certificate, a
verifier and five experts, the citizens' previous month aggregated, issued and listed), and a
second run gives fresh passwords without doubling anything."""

from __future__ import annotations

import json

from litestar.testing import AsyncTestClient

from demo.citizens_aggregate import DAYS, RIDERS, previous_month
from demo.loader import load_demo, save_credentials
from domain.clock import shanghai_date, utcnow
from domain.crypto import DataProtector
from domain.ledger.verify import verify_ledger
from domain.registry.accounts import PUBLIC_BEHAVIOUR
from tests.helpers import citizen_login
from tests.market_world import keyed, market_app
from tests.payments import deliver

# Each rider's day counts the daily points cap's 3,000 g (1 g a point): 120 x 14 x 3,000 g.
CITIZENS_G = RIDERS * DAYS * 3_000
CITIZENS_T = CITIZENS_G // 1_000_000


async def _load(db, settings, out) -> dict:
    async with db.unit_of_work() as uow:
        credentials = await load_demo(uow, DataProtector(settings.data_key), str(out))
    save_credentials(credentials, str(out), "http://test")
    return json.loads(out.read_text())


async def _sign_in(client, username: str, password: str) -> dict[str, str]:
    r = await client.post("/v1/auth/staff", json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


async def test_the_demo_registry_is_whole(client, db, settings, tmp_path) -> None:
    data = await _load(db, settings, tmp_path / "demo.json")
    registry = data["registry"]
    assert {m["username"]: m["role"] for m in registry["members"]} == {
        "forest": "org",
        "verifier": "verifier",
        "events": "org",
        "institution": "org",  # the demo public institution (demo/institution.py)
    }
    assert len(registry["experts"]) == 5
    projects = (await client.get("/v1/public/projects")).json()["items"]
    assert [(p["code"], p["methodology"]["code"]) for p in projects] == [("NJFC0001", "NJ-FC")]
    issuances = (await client.get("/v1/public/issuances")).json()["items"]
    vintage = previous_month(shanghai_date(utcnow()))[0].year
    assert sorted((i["project_code"], i["vintage"], i["quantity"]) for i in issuances) == [
        ("NJFC0001", 2024, 950),
        ("PBNJGT", vintage, CITIZENS_T),
    ]
    retirement_id = registry["retirement"]["retirement_id"]
    retired = (await client.get(f"/v1/public/retirements/{retirement_id}")).json()
    assert (retired["quantity"], retired["purpose"]) == (120, "event")
    pdf = await client.get(registry["retirement"]["certificate_pdf"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    forest = next(m for m in registry["members"] if m["username"] == "forest")
    me = (
        await client.get("/v1/org/me", headers=await _sign_in(client, "forest", forest["password"]))
    ).json()
    # 950 issued, 200 transferred, 300 listed on the market (frozen in the listing's account)
    assert [a["balance_t"] for a in me["accounts"]] == [450]
    expert = registry["experts"][0]
    seats = await client.get(
        "/v1/expert/reviews", headers=await _sign_in(client, expert["username"], expert["password"])
    )
    assert seats.status_code == 200
    async with db.unit_of_work() as uow:
        assert (await verify_ledger(uow)).ok


async def test_a_second_run_refreshes_passwords_and_doubles_nothing(
    client, db, settings, tmp_path
) -> None:
    out = tmp_path / "demo.json"
    first = await _load(db, settings, out)
    out.unlink()
    second = await _load(db, settings, out)
    old = {m["username"]: m["password"] for m in first["registry"]["members"]}
    new = {m["username"]: m["password"] for m in second["registry"]["members"]}
    assert old.keys() == new.keys() and all(old[u] != new[u] for u in old)
    await _sign_in(client, "events", new["events"])
    assert second["registry"]["retirement"] == first["registry"]["retirement"]
    assert second["registry"]["neutrality_listing"] == first["registry"]["neutrality_listing"]
    assert len((await client.get("/v1/public/issuances")).json()["items"]) == 2
    assert len((await client.get("/v1/market/listings")).json()) == 2
    async with db.unit_of_work() as uow:
        assert len(await uow.aggregations.list(code=None, after=None, limit=10)) == 1
        assert await uow.market.cheapest_open(PUBLIC_BEHAVIOUR, CITIZENS_T + 1) is None


async def test_a_newcomer_buys_from_the_demo_listing(db, settings, tmp_path, wechatpay) -> None:
    data = await _load(db, settings, tmp_path / "demo.json")
    events = next(m for m in data["registry"]["members"] if m["username"] == "events")
    async with AsyncTestClient(app=market_app(settings, wechatpay)) as client:
        listings = (await client.get("/v1/market/listings")).json()
        (listing,) = [x for x in listings if x["account"] != PUBLIC_BEHAVIOUR]
        assert (listing["available"], listing["price_fen_per_t"]) == (300, 9_500)
        headers = await _sign_in(client, "events", events["password"])
        body = {"listing_id": listing["listing_id"], "quantity": 10}
        r = await client.post(
            "/v1/org/orders", json=body, headers={**headers, "Idempotency-Key": "d1"}
        )
        assert r.status_code == 201, r.text
        order = r.json()
        assert (
            await deliver(client, wechatpay, wechatpay.pay(order["order_id"], notify=False))
        ).status_code == 204
        shown = await client.get(f"/v1/org/orders/{order['order_id']}", headers=headers)
        assert shown.json()["status"] == "delivered"
        me = (await client.get("/v1/org/me", headers=headers)).json()
        assert [a["balance_t"] for a in me["accounts"]] == [200 - 120 + 10]
    async with db.unit_of_work() as uow:
        assert (await verify_ledger(uow)).ok


async def test_citizens_go_carbon_neutral_from_their_aggregated_month(
    db, settings, tmp_path, wechatpay
) -> None:
    data = await _load(db, settings, tmp_path / "demo.json")
    start, end = previous_month(shanghai_date(utcnow()))
    async with db.unit_of_work() as uow:
        (month,) = await uow.aggregations.list(code="NJ-GT", after=None, limit=10)
        assert (month.period_start, month.period_end) == (start, end)
        assert (month.trips, month.grams, month.tonnes) == (RIDERS * DAYS * 2, CITIZENS_G, 5)
        listing_id = await uow.market.cheapest_open(PUBLIC_BEHAVIOUR, CITIZENS_T)
        assert listing_id == data["registry"]["neutrality_listing"]["listing_id"]
        listing = await uow.market.listing(listing_id)
        assert (listing.quantity, listing.available) == (CITIZENS_T, CITIZENS_T)
        assert listing.price_fen_per_t == 9_200 and CITIZENS_T >= 5
        assert (await verify_ledger(uow)).ok
    async with AsyncTestClient(app=market_app(settings, wechatpay)) as client:
        me = {"Authorization": f"Bearer {(await citizen_login(client))['access_token']}"}
        r = await client.post("/v1/me/neutrality/orders", json={"quantity": 2}, headers=keyed(me))
        assert r.status_code == 201, r.text
        order = r.json()
        assert (order["price_fen_per_t"], order["amount_fen"]) == (9_200, 2 * 9_200)
        sent = wechatpay.pay(order["order_id"], notify=False)
        assert (await deliver(client, wechatpay, sent)).status_code == 204
        done = await client.get(f"/v1/me/neutrality/orders/{order['order_id']}", headers=me)
        assert done.json()["status"] == "delivered" and done.json()["retirement_id"]
    async with db.unit_of_work() as uow:
        assert (await uow.market.listing(listing_id)).available == CITIZENS_T - 2
        assert (await verify_ledger(uow)).ok
