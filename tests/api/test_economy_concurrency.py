"""Exactly-once under real concurrent requests on PostgreSQL: scans, purchases, idempotency."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter

import pytest
from sqlalchemy import func, select

from api.app import create_app
from domain.ledger.verify import verify_ledger
from domain.persistence.tables import LedgerAccount, Offer, Voucher
from tests.economy import balance, buy, cashier, give_points, make_offer, scan
from tests.helpers import citizen_login, make_merchant
from tests.live import http_client

pytestmark = pytest.mark.pg_only


@pytest.fixture
async def client(settings):
    """Requests over TCP to a real server, so concurrent requests really run concurrently."""
    async with http_client(create_app(settings)) as c:
        yield c


def _codes(responses) -> Counter:
    return Counter(
        r.status_code if r.status_code < 400 else (r.status_code, r.json()["code"])
        for r in responses
    )


async def test_fifty_concurrent_scans_of_one_voucher_redeem_it_once(client, db):
    merchant = await make_merchant(db)
    offer_id = await make_offer(db, merchant)
    citizen = await citizen_login(client)
    await give_points(db, citizen["citizen_id"], 500)
    voucher = (await buy(client, citizen, offer_id)).json()
    tills = [await cashier(client, db, merchant) for _ in range(5)]
    responses = await asyncio.gather(
        *(
            scan(client, tills[i % 5], token=voucher["token"])
            if i % 2
            else scan(client, tills[i % 5], code=voucher["code"])
            for i in range(50)
        )
    )
    assert _codes(responses) == {200: 1, (409, "already_redeemed"): 49}


async def test_concurrent_retries_with_one_nonce_all_get_the_200(client, db):
    merchant = await make_merchant(db)
    offer_id = await make_offer(db, merchant)
    citizen = await citizen_login(client)
    await give_points(db, citizen["citizen_id"], 500)
    voucher = (await buy(client, citizen, offer_id)).json()
    till = await cashier(client, db, merchant)
    responses = await asyncio.gather(
        *(scan(client, till, "device-7:scan-1", token=voucher["token"]) for _ in range(20))
    )
    assert _codes(responses) == {200: 20}
    assert len({r.text for r in responses}) == 1


async def test_fifty_concurrent_purchases_of_a_stock_of_ten_sell_ten(client, db):
    merchant = await make_merchant(db)
    offer_id = await make_offer(db, merchant, price=100, stock=10, limit=5)
    citizens = [await citizen_login(client) for _ in range(25)]
    for c in citizens:
        await give_points(db, c["citizen_id"], 150)  # enough for one voucher each
    responses = await asyncio.gather(*(buy(client, c, offer_id) for c in citizens for _ in (0, 1)))
    codes = _codes(responses)
    assert codes[201] == 10, codes
    assert set(codes) <= {201, (409, "out_of_stock"), (409, "insufficient_points")}, codes
    async with db.unit_of_work() as uow:
        offer = await uow.session.get(Offer, offer_id)
        sold = await uow.session.scalar(select(func.count()).where(Voucher.offer_id == offer_id))
        lowest = await uow.session.scalar(select(func.min(LedgerAccount.balance)))
        report = await verify_ledger(uow)
    assert offer.stock_left == 0 and sold == 10
    assert lowest >= 0
    assert report.ok, report.first_bad
    balances = sorted([await balance(client, c) for c in citizens])
    assert balances.count(50) == 10 and balances.count(150) == 15


async def test_one_idempotency_key_sent_concurrently_buys_one_voucher(client, db):
    merchant = await make_merchant(db)
    offer_id = await make_offer(db, merchant, price=100, stock=10, limit=5)
    citizen = await citizen_login(client)
    await give_points(db, citizen["citizen_id"], 1000)
    key = uuid.uuid4().hex
    responses = await asyncio.gather(*(buy(client, citizen, offer_id, key) for _ in range(20)))
    assert _codes(responses) == {201: 20}
    assert len({r.json()["voucher_id"] for r in responses}) == 1
    assert await balance(client, citizen) == 900
