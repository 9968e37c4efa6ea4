"""Listings and orders paid through (a fake) WeChat Pay: units frozen when listed, reserved when
ordered, delivered with the money postings exactly once when the verified payment notice comes,
released when the order closes unpaid; forged notices change nothing."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from litestar.testing import AsyncTestClient

from domain.clock import utcnow
from domain.identity.principal import Role
from domain.ledger.verify import verify_ledger
from domain.market import closing, money
from domain.persistence.uow import Database
from tests.helpers import assert_problem, bearer, staff_login
from tests.market_world import (
    REFERENCE,
    holdings,
    keyed,
    listed,
    market_app,
    ordered,
    reference_price,
    seller_with_units,
    trader,
)
from tests.payments import deliver, gateway_for


@pytest.fixture
async def market(settings, wechatpay) -> AsyncIterator[AsyncTestClient]:
    async with AsyncTestClient(app=market_app(settings, wechatpay)) as c:
        yield c


async def balance(db: Database, account_id: str) -> int:
    async with db.unit_of_work() as uow:
        row = await uow.ledger.account(account_id)
        return 0 if row is None else row.balance


async def ledger_ok(db: Database) -> None:
    async with db.unit_of_work() as uow:
        report = await verify_ledger(uow)
    assert report.ok, report.first_bad


async def test_a_paid_order_delivers_units_and_money_once(market, db, wechatpay) -> None:
    await reference_price(db)
    seller, issued = await seller_with_units(market, db, 10)
    listing = await listed(market, seller, 8, price=10_500)
    assert (listing["available"], listing["status"]) == (8, "open")
    left = await holdings(market, seller)  # the listed 8 t are frozen: only 2 t stay spendable
    assert sum(b["quantity"] for b in left if b["status"] == "active") == 2

    buyer = await trader(market, db)
    order = await ordered(market, buyer, listing["listing_id"], 3)
    assert order["status"] == "pending" and order["code_url"].startswith("weixin://")
    assert (order["amount_fen"], order["fee_fen"]) == (31_500, 315)  # 1 % fee by default
    assert wechatpay.orders[order["order_id"]].total_fen == 31_500

    sent = wechatpay.pay(order["order_id"], notify=False)
    for _ in range(3):  # WeChat Pay repeats a notice until it gets a 2xx: one delivery
        r = await deliver(market, wechatpay, sent)
        assert r.status_code == 204, r.text
    shown = (await market.get(f"/v1/org/orders/{order['order_id']}", headers=buyer.headers)).json()
    assert shown["status"] == "delivered" and shown["transfer_id"] and shown["code_url"] is None
    got = await holdings(market, buyer)
    assert sum(b["quantity"] for b in got) == 3
    assert {b["project_code"] for b in got} == {issued.project_code}

    assert await balance(db, money.money_account(seller.org.id)) == 31_500 - 315
    assert await balance(db, money.money_account(buyer.org.id)) == 0  # paid in, paid out
    after = (await market.get("/v1/market/listings")).json()
    mine = next(x for x in after if x["listing_id"] == listing["listing_id"])
    assert (mine["available"], mine["reserved"], mine["sold"]) == (5, 0, 3)
    await ledger_ok(db)


async def test_the_same_key_answers_the_same_order(market, db, wechatpay) -> None:
    await reference_price(db)
    seller, _ = await seller_with_units(market, db, 5)
    listing = await listed(market, seller, 5)
    buyer = await trader(market, db)
    first = await ordered(market, buyer, listing["listing_id"], 2, key="k-1")
    body = {"listing_id": listing["listing_id"], "quantity": 2, "channel": "native"}
    again = await market.post("/v1/org/orders", json=body, headers=keyed(buyer.headers, "k-1"))
    assert again.status_code == 200 and again.json()["order_id"] == first["order_id"]
    other = {**body, "quantity": 1}
    r = await market.post("/v1/org/orders", json=other, headers=keyed(buyer.headers, "k-1"))
    assert_problem(r, 422, "idempotency_key_reused")
    assert len(wechatpay.orders) == 1
    listing_now = (await market.get("/v1/market/listings")).json()[0]
    assert (listing_now["available"], listing_now["reserved"]) == (3, 2)


async def test_listing_rules(market, db) -> None:
    seller, _ = await seller_with_units(market, db, 5)
    body = {"account": seller.org.account_id, "quantity": 2, "price_fen_per_t": REFERENCE}
    r = await market.post("/v1/org/listings", json=body, headers=seller.headers)
    assert_problem(r, 404, "no_reference_price")
    await reference_price(db)
    for price in (8_999, 11_001):
        bad = {**body, "price_fen_per_t": price}
        r = await market.post("/v1/org/listings", json=bad, headers=seller.headers)
        problem = assert_problem(r, 422, "price_out_of_band")
        assert problem["field"] == "price_fen_per_t"
    for price in (9_000, 11_000):  # the band's ends are inside it
        ok = {**body, "quantity": 1, "price_fen_per_t": price}
        assert (
            await market.post("/v1/org/listings", json=ok, headers=seller.headers)
        ).status_code == 201
    too_many = {**body, "quantity": 4}
    r = await market.post("/v1/org/listings", json=too_many, headers=seller.headers)
    assert_problem(r, 409, "insufficient_units")
    stranger = await trader(market, db)
    r = await market.post("/v1/org/listings", json=body, headers=stranger.headers)
    assert_problem(r, 403, "account_not_yours")
    r = await market.post("/v1/org/listings", json={**body, "quantity": 0}, headers=seller.headers)
    assert_problem(r, 422, "invalid_quantity")


async def test_class_ii_units_are_never_listed(market, db) -> None:
    await reference_price(db)
    seller, _ = await seller_with_units(market, db, 4, unit_class="II")
    body = {"account": seller.org.account_id, "quantity": 2, "price_fen_per_t": REFERENCE}
    r = await market.post("/v1/org/listings", json=body, headers=seller.headers)
    assert_problem(r, 409, "class_ii_not_tradable")
    left = await holdings(market, seller)
    assert sum(b["quantity"] for b in left if b["status"] == "active") == 4


async def test_orders_take_no_more_than_is_available(market, db) -> None:
    await reference_price(db)
    seller, _ = await seller_with_units(market, db, 3)
    listing = await listed(market, seller, 3)
    buyer = await trader(market, db)
    await ordered(market, buyer, listing["listing_id"], 2)
    body = {"listing_id": listing["listing_id"], "quantity": 2}
    r = await market.post("/v1/org/orders", json=body, headers=keyed(buyer.headers))
    assert assert_problem(r, 409, "insufficient_units")["available"] == 1
    r = await market.post("/v1/org/orders", json=body, headers=keyed(seller.headers))
    assert_problem(r, 409, "own_listing")
    r = await market.post(
        "/v1/org/orders", json={**body, "listing_id": "nope"}, headers=keyed(buyer.headers)
    )
    assert_problem(r, 404, "listing_not_found")
    r = await market.post("/v1/org/orders", json=body, headers=buyer.headers)
    assert r.status_code in (400, 422)  # no Idempotency-Key


async def test_forged_stale_or_tampered_notices_change_nothing(market, db, wechatpay) -> None:
    await reference_price(db)
    seller, _ = await seller_with_units(market, db, 2)
    listing = await listed(market, seller, 2)
    buyer = await trader(market, db)
    order = await ordered(market, buyer, listing["listing_id"], 1)
    sent = wechatpay.pay(order["order_id"], notify=False)
    path = "/v1/payments/wechatpay/notify"
    stale = wechatpay.sign_headers(sent.body, int(utcnow().timestamp()) - 600)
    envelope = json.loads(sent.body)
    text = envelope["resource"]["ciphertext"]
    envelope["resource"]["ciphertext"] = ("B" if text[0] == "A" else "A") + text[1:]
    tampered = json.dumps(envelope).encode()  # signed afresh below: only the AEAD tag catches it
    forged = dict(wechatpay.sign_headers(sent.body))
    forged["Wechatpay-Signature"] = forged["Wechatpay-Signature"][::-1]
    for what, body, headers in (
        ("stale", sent.body, stale),
        ("tampered", tampered, wechatpay.sign_headers(tampered)),
        ("forged", sent.body, forged),
        ("unsigned", sent.body, {}),
    ):
        r = await market.post(
            path, content=body, headers={**headers, "Content-Type": "application/json"}
        )
        assert r.status_code == 401, (what, r.text)
        async with db.unit_of_work() as uow:
            assert (await uow.market.order(order["order_id"])).status == "pending", what
    shown = (await market.get(f"/v1/org/orders/{order['order_id']}", headers=buyer.headers)).json()
    # the query found the payment at WeChat Pay and settled it: only a genuine source delivers
    assert shown["status"] == "delivered"
    assert (await deliver(market, wechatpay, sent)).status_code == 204
    assert sum(b["quantity"] for b in await holdings(market, buyer)) == 1
    await ledger_ok(db)


async def test_an_unpaid_order_closes_and_its_units_come_back(
    market, db, wechatpay, settings
) -> None:
    await reference_price(db)
    seller, _ = await seller_with_units(market, db, 4)
    listing = await listed(market, seller, 4)
    buyer = await trader(market, db)
    order = await ordered(market, buyer, listing["listing_id"], 4)
    r = await market.post(
        f"/v1/org/listings/{listing['listing_id']}/withdraw", headers=seller.headers
    )
    assert assert_problem(r, 409, "listing_reserved")["reserved"] == 4

    later = utcnow() + timedelta(minutes=settings.market_order_minutes + 1)
    payments = gateway_for(wechatpay, "http://testserver")  # as the job's, on this loop
    try:
        async with db.unit_of_work() as uow:
            counts = await closing.close_expired(uow, payments, later)
    finally:
        await payments.aclose()
    assert counts["closed"] == 1
    assert wechatpay.orders[order["order_id"]].trade_state == "CLOSED"
    shown = (await market.get(f"/v1/org/orders/{order['order_id']}", headers=buyer.headers)).json()
    assert shown["status"] == "closed"
    r = await market.post(
        f"/v1/org/listings/{listing['listing_id']}/withdraw", headers=seller.headers
    )
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["available"]) == ("withdrawn", 0)
    back = await holdings(market, seller)
    assert sum(b["quantity"] for b in back if b["status"] == "active") == 4
    await ledger_ok(db)


async def test_a_payment_after_closing_is_held_and_refunded(market, db, wechatpay) -> None:
    await reference_price(db)
    seller, _ = await seller_with_units(market, db, 3)
    listing = await listed(market, seller, 3)
    buyer = await trader(market, db)
    order = await ordered(market, buyer, listing["listing_id"], 2)
    order_id = order["order_id"]
    refund = f"/v1/org/orders/{order_id}/refund"
    assert_problem(await market.post(refund, json={}, headers=buyer.headers), 409, "not_paid")
    async with db.unit_of_work() as uow:  # closed here while WeChat Pay still takes the payment
        assert await uow.market.move_order(order_id, ["pending"], "closed", closed_at=utcnow())
        await uow.market.release(listing["listing_id"], 2)
    sent = wechatpay.pay(order_id, notify=False)
    assert (await deliver(market, wechatpay, sent)).status_code == 204
    shown = (await market.get(f"/v1/org/orders/{order_id}", headers=buyer.headers)).json()
    assert shown["status"] == "paid_late"
    assert await balance(db, money.money_account(buyer.org.id)) == 20_000  # held for the buyer
    assert await holdings(market, buyer) == []  # nothing delivered

    r = await market.post(refund, json={"reason": "closed before paid"}, headers=buyer.headers)
    assert r.status_code == 200 and r.json()["status"] == "refunding", r.text
    again = await market.post(refund, json={}, headers=buyer.headers)
    assert again.json()["status"] == "refunding"  # asked once at WeChat Pay
    assert len(wechatpay.refunds) == 1
    (refund_no,) = wechatpay.refunds
    notice = wechatpay.complete_refund(refund_no, notify=False)
    assert notice is not None
    for _ in range(2):
        assert (await deliver(market, wechatpay, notice)).status_code == 204
    shown = (await market.get(f"/v1/org/orders/{order_id}", headers=buyer.headers)).json()
    assert shown["status"] == "refunded"
    assert await balance(db, money.money_account(buyer.org.id)) == 0
    await ledger_ok(db)


async def test_a_delivered_order_is_not_refunded_by_its_buyer(market, db, wechatpay) -> None:
    await reference_price(db)
    seller, _ = await seller_with_units(market, db, 1)
    listing = await listed(market, seller, 1)
    buyer = await trader(market, db)
    order = await ordered(market, buyer, listing["listing_id"], 1)
    await deliver(market, wechatpay, wechatpay.pay(order["order_id"], notify=False))
    r = await market.post(
        f"/v1/org/orders/{order['order_id']}/refund", json={}, headers=buyer.headers
    )
    assert_problem(r, 409, "already_delivered")
    other = await trader(market, db)
    r = await market.get(f"/v1/org/orders/{order['order_id']}", headers=other.headers)
    assert_problem(r, 404, "order_not_found")


async def test_listed_units_move_only_through_the_market(market, db) -> None:
    await reference_price(db)
    seller, _ = await seller_with_units(market, db, 3)
    listing = await listed(market, seller, 2)
    escrow = f"lst:{listing['listing_id']}"
    other = await trader(market, db)
    move = {"from_account": escrow, "to_account": other.org.account_id, "quantity": 1}
    r = await market.post("/v1/registry/transfers", json=move, headers=keyed(seller.headers))
    assert_problem(r, 409, "units_listed")
    retire = {"account": escrow, "quantity": 1, "beneficiary": "x", "purpose": "voluntary"}
    r = await market.post("/v1/registry/retirements", json=retire, headers=keyed(seller.headers))
    assert_problem(r, 409, "units_listed")
    me = (await market.get("/v1/org/me", headers=seller.headers)).json()
    assert [a["account_id"] for a in me["accounts"]] == [seller.org.account_id]


async def test_staff_refund_a_delivered_order_and_its_units_come_back(
    market, db, wechatpay
) -> None:
    await reference_price(db)
    seller, _ = await seller_with_units(market, db, 4)
    listing = await listed(market, seller, 4)
    buyer = await trader(market, db)
    order = await ordered(market, buyer, listing["listing_id"], 3)
    await deliver(market, wechatpay, wechatpay.pay(order["order_id"], notify=False))
    admin = bearer((await staff_login(market, db, Role.ADMIN))["access_token"])
    path = f"/v1/admin/market/orders/{order['order_id']}/refund"
    assert_problem(await market.post(path, json={"reason": "x"}, headers=buyer.headers), 403)
    r = await market.post(path, json={"reason": "wrong project bought"}, headers=admin)
    assert r.status_code == 200 and r.json()["status"] == "refunding", r.text
    assert await holdings(market, buyer) == []
    back = await holdings(market, seller)
    assert sum(b["quantity"] for b in back if b["status"] == "active") == 3
    assert await balance(db, money.money_account(seller.org.id)) == 0
    assert await balance(db, money.money_account(buyer.org.id)) == 30_000  # held to refund
    (refund_no,) = wechatpay.refunds
    assert (
        await deliver(market, wechatpay, wechatpay.complete_refund(refund_no, notify=False))
    ).status_code == 204
    listed_now = await market.get("/v1/org/listings", headers=seller.headers)
    mine = next(x for x in listed_now.json() if x["listing_id"] == listing["listing_id"])
    assert (mine["sold"], mine["available"]) == (0, 1)  # the 3 t went back to the seller
    staff_view = (await market.get("/v1/admin/market/orders?status=refunded", headers=admin)).json()
    assert [o["order_id"] for o in staff_view] == [order["order_id"]]
    assert await balance(db, money.money_account(buyer.org.id)) == 0
    await ledger_ok(db)


async def test_staff_cannot_take_back_units_the_buyer_moved(market, db, wechatpay) -> None:
    await reference_price(db)
    seller, _ = await seller_with_units(market, db, 2)
    listing = await listed(market, seller, 2)
    buyer = await trader(market, db)
    order = await ordered(market, buyer, listing["listing_id"], 2)
    await deliver(market, wechatpay, wechatpay.pay(order["order_id"], notify=False))
    retire = {
        "account": buyer.org.account_id,
        "quantity": 1,
        "beneficiary": "b",
        "purpose": "voluntary",
    }
    r = await market.post("/v1/registry/retirements", json=retire, headers=keyed(buyer.headers))
    assert r.status_code == 201, r.text
    admin = bearer((await staff_login(market, db, Role.ADMIN))["access_token"])
    path = f"/v1/admin/market/orders/{order['order_id']}/refund"
    assert_problem(
        await market.post(path, json={"reason": "late"}, headers=admin), 409, "units_moved"
    )
    shown = (await market.get(f"/v1/org/orders/{order['order_id']}", headers=buyer.headers)).json()
    assert shown["status"] == "delivered"  # nothing changed
    assert wechatpay.refunds == {}
    await ledger_ok(db)


async def test_an_order_is_shown_as_stored_while_wechat_pay_cannot_answer(
    market, db, wechatpay
) -> None:
    await reference_price(db)
    seller, _ = await seller_with_units(market, db, 1)
    listing = await listed(market, seller, 1)
    buyer = await trader(market, db)
    order = await ordered(market, buyer, listing["listing_id"], 1)
    wechatpay.fail_next(500, times=10)  # the query and its retries all fail
    r = await market.get(f"/v1/org/orders/{order['order_id']}", headers=buyer.headers)
    assert r.status_code == 200 and r.json()["status"] == "pending", r.text
