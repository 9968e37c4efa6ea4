"""The market under real concurrent requests (PostgreSQL, a real server over TCP): buyers racing
for one listing never buy more than it holds, and a payment delivers once however many notices
and queries race for it."""

from __future__ import annotations

import asyncio
import dataclasses
from collections import Counter

import pytest

from domain.ledger.verify import verify_ledger
from domain.market import money
from tests.live import http_client
from tests.market_world import (
    holdings,
    keyed,
    listed,
    market_app,
    ordered,
    reference_price,
    seller_with_units,
    trader,
)

pytestmark = pytest.mark.pg_only
NOTIFY = "/v1/payments/wechatpay/notify"


@pytest.fixture
async def client(settings, wechatpay):
    async with http_client(market_app(settings, wechatpay)) as c:
        yield c


async def test_twenty_buyers_racing_for_five_tonnes_buy_exactly_five(client, db, wechatpay) -> None:
    await reference_price(db)
    seller, _ = await seller_with_units(client, db, 5)
    listing = await listed(client, seller, 5)
    buyers = [await trader(client, db) for _ in range(20)]
    body = {"listing_id": listing["listing_id"], "quantity": 1}

    async def buy(buyer):
        return await client.post("/v1/org/orders", json=body, headers=keyed(buyer.headers))

    answers = await asyncio.gather(*(buy(b) for b in buyers))
    statuses = Counter(r.status_code for r in answers)
    assert statuses == {201: 5, 409: 15}, statuses
    assert {r.json()["code"] for r in answers if r.status_code == 409} == {"insufficient_units"}
    won = [(b, r.json()) for b, r in zip(buyers, answers, strict=True) if r.status_code == 201]
    for _, order in won:
        sent = wechatpay.pay(order["order_id"], notify=False)
        sent = dataclasses.replace(sent, url=str(client.base_url).rstrip("/") + NOTIFY)
        assert await asyncio.to_thread(wechatpay.deliver, sent) == [204]
    for buyer, _ in won:
        assert sum(b["quantity"] for b in await holdings(client, buyer)) == 1
    shown = (await client.get("/v1/market/listings")).json()
    assert listing["listing_id"] not in {x["listing_id"] for x in shown}  # sold out: not open
    async with db.unit_of_work() as uow:
        row = await uow.market.listing(listing["listing_id"])
        assert (row.status, row.sold, row.available, row.reserved) == ("sold", 5, 0, 0)
        assert (await verify_ledger(uow)).ok


async def test_ten_notices_and_a_query_racing_deliver_once(client, db, wechatpay) -> None:
    await reference_price(db)
    seller, _ = await seller_with_units(client, db, 3)
    listing = await listed(client, seller, 3)
    buyer = await trader(client, db)
    order = await ordered(client, buyer, listing["listing_id"], 2)
    sent = wechatpay.pay(order["order_id"], notify=False)
    sent = dataclasses.replace(sent, url=str(client.base_url).rstrip("/") + NOTIFY)
    path = f"/v1/org/orders/{order['order_id']}"

    async def notice():
        return await asyncio.to_thread(wechatpay.deliver, sent)

    async def query():
        return await client.get(path, headers=buyer.headers)

    results = await asyncio.gather(*(notice() for _ in range(10)), query(), query())
    assert all(r == [204] for r in results[:10]), results[:10]
    assert all(r.status_code == 200 for r in results[10:])
    assert (await client.get(path, headers=buyer.headers)).json()["status"] == "delivered"
    assert sum(b["quantity"] for b in await holdings(client, buyer)) == 2
    async with db.unit_of_work() as uow:
        seller_money = await uow.ledger.account(money.money_account(seller.org.id))
        assert (seller_money.balance, seller_money.entries) == (20_000 - 200, 2)  # sale, fee
        assert (await verify_ledger(uow)).ok
