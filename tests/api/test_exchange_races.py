"""Settlements under real concurrent requests (PostgreSQL, a real server over TCP): the same deal
sent ten times at once settles once, and deals racing for one seller's units never move more
than it holds."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest
from sqlalchemy import func, select

from api.app import create_app
from domain.crypto import DataProtector
from domain.ledger.verify import verify_ledger
from domain.persistence.tables import ExchangeDeal
from tests.api.test_exchange_settlements import a_deal, held
from tests.helpers import make_operator, signed_post
from tests.live import http_client
from tests.registry_units import issued_units
from tests.registry_world import make_org

pytestmark = pytest.mark.pg_only


@pytest.fixture
async def live(settings):
    async with http_client(create_app(settings)) as c:
        yield c


async def test_the_same_deal_sent_ten_times_at_once_settles_once(live, db, settings) -> None:
    seller, buyer = await make_org(db), await make_org(db)
    await issued_units(db, seller, 10)
    ex, key, secret = await make_operator(db, DataProtector(settings.data_key), "exchange")
    path = f"/v1/exchange/{ex}/settlements"
    deal = a_deal(seller.account_id, buyer.account_id, 4)

    answers = await asyncio.gather(*(signed_post(live, path, key, secret, deal) for _ in range(10)))
    assert Counter(r.status_code for r in answers) == {201: 1, 200: 9}, [r.text for r in answers]
    assert len({r.json()["settlement_id"] for r in answers}) == 1
    assert len({r.json()["transfer_id"] for r in answers}) == 1
    assert (await held(db, seller.account_id), await held(db, buyer.account_id)) == (6, 4)
    async with db.unit_of_work() as uow:
        count = select(func.count()).select_from(ExchangeDeal)
        assert (await uow.session.execute(count)).scalar_one() == 1
        report = await verify_ledger(uow)
    assert report.ok, report.first_bad


async def test_deals_racing_for_five_tonnes_move_exactly_five(live, db, settings) -> None:
    seller = await make_org(db)
    buyers = [await make_org(db) for _ in range(10)]
    await issued_units(db, seller, 5)
    ex, key, secret = await make_operator(db, DataProtector(settings.data_key), "exchange")
    path = f"/v1/exchange/{ex}/settlements"
    answers = await asyncio.gather(
        *(
            signed_post(live, path, key, secret, a_deal(seller.account_id, b.account_id, 1))
            for b in buyers
        )
    )
    assert Counter(r.status_code for r in answers) == {201: 5, 409: 5}, [r.text for r in answers]
    assert {r.json()["code"] for r in answers if r.status_code == 409} == {"insufficient_units"}
    assert await held(db, seller.account_id) == 0
    assert sum([await held(db, b.account_id) for b in buyers]) == 5
    async with db.unit_of_work() as uow:
        report = await verify_ledger(uow)
    assert report.ok, report.first_bad
