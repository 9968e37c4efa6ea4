"""Personal carbon neutrality: a citizen buys tonnes of the citizens' own aggregated reductions
through WeChat Pay JSAPI and they are retired for them at once, with a certificate; the money
goes to the fund pool."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from litestar.testing import AsyncTestClient

from domain.identity.principal import Role
from domain.ledger.verify import verify_ledger
from domain.market import money
from domain.registry.accounts import PUBLIC_BEHAVIOUR
from tests.helpers import assert_problem, bearer, citizen_login, consent, staff_login
from tests.market_world import REFERENCE, keyed, market_app, reference_price
from tests.payments import deliver
from tests.registry_units import issued_aggregation

ORDERS = "/v1/me/neutrality/orders"


@pytest.fixture
async def market(settings, wechatpay) -> AsyncIterator[AsyncTestClient]:
    async with AsyncTestClient(app=market_app(settings, wechatpay)) as c:
        yield c


async def platform_listing(client, db, tonnes: int, price: int = REFERENCE) -> dict:
    await issued_aggregation(db, tonnes)
    ops = bearer((await staff_login(client, db, Role.OPERATIONS))["access_token"])
    body = {"account": PUBLIC_BEHAVIOUR, "quantity": tonnes, "price_fen_per_t": price}
    r = await client.post("/v1/org/listings", json=body, headers=ops)
    assert r.status_code == 201, r.text
    return r.json()


async def citizen(client, db) -> dict[str, str]:
    c = await citizen_login(client)
    await consent(client, c, db)
    return bearer(c["access_token"])


async def test_a_citizen_buys_and_retires_for_themselves(market, db, wechatpay) -> None:
    await reference_price(db)
    await platform_listing(market, db, 5, price=10_000)
    me = await citizen(market, db)
    r = await market.post(
        ORDERS, json={"quantity": 2, "beneficiary": "小明的家庭"}, headers=keyed(me, "n-1")
    )
    assert r.status_code == 201, r.text
    order = r.json()
    assert order["status"] == "pending" and order["amount_fen"] == 20_000
    assert {"appId", "timeStamp", "nonceStr", "package", "signType", "paySign"} <= set(
        order["jsapi"]
    )
    assert wechatpay.orders[order["order_id"]].trade_type == "JSAPI"

    sent = wechatpay.pay(order["order_id"], notify=False)
    assert (await deliver(market, wechatpay, sent)).status_code == 204
    done = (await market.get(f"{ORDERS}/{order['order_id']}", headers=me)).json()
    assert done["status"] == "delivered" and done["retirement_id"]
    retired = (await market.get(f"/v1/public/retirements/{done['retirement_id']}")).json()
    assert (retired["quantity"], retired["purpose"], retired["beneficiary"]) == (
        2,
        "carbon_neutrality",
        "小明的家庭",
    )
    pdf = await market.get(done["certificate_url"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    async with db.unit_of_work() as uow:
        pool = await uow.ledger.account(money.FUND_POOL)
        assert pool.balance == 20_000 - 200  # the proceeds, less the platform's 1 % fee
        assert (await verify_ledger(uow)).ok
    mine = (await market.get(ORDERS, headers=me)).json()
    assert [o["order_id"] for o in mine] == [order["order_id"]]


async def test_nothing_for_sale_is_a_clear_answer(market, db) -> None:
    await reference_price(db)
    me = await citizen(market, db)
    r = await market.post(ORDERS, json={"quantity": 1}, headers=keyed(me))
    assert_problem(r, 404, "no_units_for_sale")
    await platform_listing(market, db, 2)
    r = await market.post(ORDERS, json={"quantity": 3}, headers=keyed(me))
    assert_problem(r, 404, "no_units_for_sale")
    r = await market.post(ORDERS, json={"quantity": 0}, headers=keyed(me))
    assert_problem(r, 422)


async def test_another_citizens_order_is_not_found(market, db, wechatpay) -> None:
    await reference_price(db)
    await platform_listing(market, db, 2)
    me, other = await citizen(market, db), await citizen(market, db)
    order = (await market.post(ORDERS, json={"quantity": 1}, headers=keyed(me))).json()
    r = await market.get(f"{ORDERS}/{order['order_id']}", headers=other)
    assert_problem(r, 404, "order_not_found")
