"""The fund pool end to end: staff list the public-behaviour account's units, a buyer pays for
some through (a fake) WeChat Pay, the proceeds less the fee land in the pool, staff pay a
merchant out of it (once per Idempotency-Key, never beyond the balance), and the public market
view shows the day's trade and the pool's in and out."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from domain.clock import shanghai_date, utcnow
from domain.identity.principal import Role
from domain.ledger.verify import verify_ledger
from domain.market import money
from domain.persistence.uow import Database
from domain.registry.accounts import PUBLIC_BEHAVIOUR
from tests.helpers import assert_problem, bearer, make_merchant, staff_login
from tests.market_world import REFERENCE, market_app, ordered, reference_price, trader
from tests.payments import deliver
from tests.registry_units import issued_aggregation

PAYOUTS = "/v1/admin/fund-pool/payouts"


@pytest.fixture
async def market(settings, wechatpay) -> AsyncIterator[AsyncTestClient]:
    async with AsyncTestClient(app=market_app(settings, wechatpay)) as c:
        yield c


def keyed(headers: dict[str, str], key: str | None = None) -> dict[str, str]:
    return {**headers, "Idempotency-Key": key or uuid.uuid4().hex}


async def staff(client: AsyncTestClient, db: Database, role: Role = Role.OPERATIONS) -> dict:
    return bearer((await staff_login(client, db, role))["access_token"])


async def public_sale(market: AsyncTestClient, db: Database, wechatpay: Any, tonnes: int) -> dict:
    """Staff list `tonnes` of the public-behaviour account; a buyer orders and pays them all."""
    await reference_price(db)
    await issued_aggregation(db, tonnes + 2)
    body = {"account": PUBLIC_BEHAVIOUR, "quantity": tonnes, "price_fen_per_t": REFERENCE}
    r = await market.post("/v1/org/listings", json=body, headers=await staff(market, db))
    assert r.status_code == 201, r.text
    buyer = await trader(market, db)
    order = await ordered(market, buyer, r.json()["listing_id"], tonnes)
    paid = await deliver(market, wechatpay, wechatpay.pay(order["order_id"], notify=False))
    assert paid.status_code == 204, paid.text
    return order


async def test_public_proceeds_fill_the_pool_and_payouts_empty_it(market, db, wechatpay) -> None:
    order = await public_sale(market, db, wechatpay, 3)
    proceeds = order["amount_fen"] - order["fee_fen"]
    assert (order["amount_fen"], order["fee_fen"]) == (30_000, 300)
    ops = await staff(market, db)
    pool = (await market.get("/v1/admin/fund-pool", headers=ops)).json()
    assert (pool["balance_fen"], pool["in_fen"], pool["out_fen"]) == (proceeds, 30_000, 300)
    assert [(m["kind"], m["amount_fen"]) for m in pool["movements"]] == [
        ("mkt_fee", -300),
        ("mkt_sale", 30_000),
    ]
    assert {m["ref"] for m in pool["movements"]} == {order["order_id"]}

    merchant_id = await make_merchant(db)
    body = {"merchant_id": merchant_id, "amount_fen": 12_000, "reference": "statement 2026-11"}
    r = await market.post(PAYOUTS, json=body, headers=keyed(ops, "payout-1"))
    assert r.status_code == 201, r.text
    payout = r.json()
    assert (payout["balance_after_fen"], payout["merchant_id"]) == (proceeds - 12_000, merchant_id)
    again = await market.post(PAYOUTS, json=body, headers=keyed(ops, "payout-1"))
    assert again.status_code == 201 and again.json() == payout  # replayed, not paid twice
    other = {**body, "amount_fen": 1}
    r = await market.post(PAYOUTS, json=other, headers=keyed(ops, "payout-1"))
    assert_problem(r, 422, "idempotency_key_reused")

    too_much = {**body, "amount_fen": proceeds - 12_000 + 1}
    problem = assert_problem(
        await market.post(PAYOUTS, json=too_much, headers=keyed(ops)), 409, "insufficient_funds"
    )
    assert problem["balance_fen"] == proceeds - 12_000
    unknown = {**body, "merchant_id": "0NOSUCHMERCHANT00000000000"}
    r = await market.post(PAYOUTS, json=unknown, headers=keyed(ops))
    assert assert_problem(r, 404, "merchant_not_found")["field"] == "merchant_id"
    r = await market.post(PAYOUTS, json={**body, "amount_fen": 0}, headers=keyed(ops))
    assert_problem(r, 422, "invalid_amount")
    r = await market.post(PAYOUTS, json={**body, "reference": "  "}, headers=keyed(ops))
    assert_problem(r, 422, "reference_required")
    auditor = await staff(market, db, Role.AUDITOR)
    assert_problem(await market.post(PAYOUTS, json=body, headers=keyed(auditor)), 403)
    assert (await market.get("/v1/admin/fund-pool", headers=auditor)).status_code == 200

    rest = {**body, "amount_fen": proceeds - 12_000, "reference": "statement 2026-12"}
    assert (await market.post(PAYOUTS, json=rest, headers=keyed(ops))).status_code == 201
    pool = (await market.get("/v1/admin/fund-pool", headers=ops)).json()
    assert (pool["balance_fen"], pool["in_fen"], pool["out_fen"]) == (0, 30_000, 30_000)
    assert [m["kind"] for m in pool["movements"]][:2] == ["fund_payout", "fund_payout"]
    assert pool["movements"][-1]["ref"] == order["order_id"]

    public = (await market.get("/v1/public/market")).json()
    assert public["fund_pool"]["balance_fen"] == 0
    assert (public["fund_pool"]["in_fen"], public["fund_pool"]["out_fen"]) == (30_000, 30_000)
    assert public["fund_pool"]["movements"] == pool["movements"]
    today = public["days"][-1]
    assert len(public["days"]) == 30 and today["day"] == shanghai_date(utcnow()).isoformat()
    assert (today["volume_t"], today["trades"], today["average_fen_per_t"]) == (3, 1, REFERENCE)
    assert public["reference_price"]["price_fen_per_t"] == REFERENCE

    admin = await staff(market, db, Role.ADMIN)
    audit = await market.get(f"/v1/admin/audit?target_id={payout['payout_id']}", headers=admin)
    assert [e["action"] for e in audit.json()["items"]] == ["fund_pool.payout"]
    assert audit.json()["items"][0]["after"]["reference"] == "statement 2026-11"
    async with db.unit_of_work() as uow:
        assert (await uow.ledger.account(money.FUND_POOL)).balance == 0
        report = await verify_ledger(uow)
    assert report.ok, report.first_bad


async def test_an_empty_pool_pays_nothing(client, db) -> None:
    ops = await staff(client, db)
    merchant_id = await make_merchant(db)
    body = {"merchant_id": merchant_id, "amount_fen": 1, "reference": "nothing to pay"}
    r = await client.post(PAYOUTS, json=body, headers=keyed(ops))
    assert assert_problem(r, 409, "insufficient_funds")["balance_fen"] == 0
    pool = (await client.get("/v1/admin/fund-pool", headers=ops)).json()
    assert pool == {"balance_fen": 0, "in_fen": 0, "out_fen": 0, "movements": []}
    assert (await client.post(PAYOUTS, json=body, headers=ops)).status_code == 400  # no key


async def test_the_public_market_counts_orders_and_exchange_deals(client, db, settings) -> None:
    from tests.api.test_exchange_settlements import a_deal, exchange
    from tests.helpers import signed_post
    from tests.registry_units import issued_units
    from tests.registry_world import make_org

    public = (await client.get("/v1/public/market?days=7")).json()
    assert public["reference_price"] is None and len(public["days"]) == 7
    assert all(d["trades"] == 0 and d["average_fen_per_t"] is None for d in public["days"])
    seller, buyer = await make_org(db), await make_org(db)
    await issued_units(db, seller, 10)
    ex, key, secret = await exchange(db, settings)
    path = f"/v1/exchange/{ex}/settlements"
    for quantity, price in ((1, 9_001), (3, 10_002)):
        deal = a_deal(
            seller.account_id,
            buyer.account_id,
            quantity,
            price_fen_per_t=price,
            dealt_at=utcnow().isoformat(),  # today in Shanghai, even just after midnight
        )
        assert (await signed_post(client, path, key, secret, deal)).status_code == 201
    today = (await client.get("/v1/public/market?days=1")).json()["days"]
    assert len(today) == 1
    # (9,001 + 3 x 10,002) / 4 = 9,751.75, rounded down
    assert today[0] | {"day": None} == {
        "day": None,
        "volume_t": 4,
        "trades": 2,
        "average_fen_per_t": 9_751,
        "high_fen_per_t": 10_002,
        "low_fen_per_t": 9_001,
    }
    for bad in ("0", "367", "x"):
        r = await client.get(f"/v1/public/market?days={bad}")
        assert_problem(r, 400)
