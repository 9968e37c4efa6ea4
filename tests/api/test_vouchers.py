"""Buying, reading, showing and cancelling vouchers (POST /v1/me/vouchers and friends)."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import png
from sqlalchemy import select

from domain.clock import utcnow
from domain.ledger.verify import verify_ledger
from domain.persistence.tables import Offer, PointsLot
from domain.vouchers import tokens
from tests.economy import balance, buy, give_points, make_offer
from tests.helpers import assert_problem, bearer, citizen_login, make_merchant


async def _setup(client, db, points=1000, **offer):
    merchant = await make_merchant(db)
    offer_id = await make_offer(db, merchant, **offer)
    citizen = await citizen_login(client)
    if points:
        await give_points(db, citizen["citizen_id"], points)
    return merchant, offer_id, citizen


async def test_buying_takes_the_points_and_one_unit_of_stock(client, db):
    merchant, offer_id, citizen = await _setup(client, db, price=150, stock=3)
    r = await buy(client, citizen, offer_id)
    assert r.status_code == 201, r.text
    v = r.json()
    assert v["status"] == "issued" and v["offer_id"] == offer_id and v["points"] == 150
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}", v["code"]), v["code"]
    assert v["qr_url"] == f"/v1/me/vouchers/{v['voucher_id']}/qr.png"
    assert await balance(client, citizen) == 850
    claims = tokens.read_token(v["token"])
    assert (claims.voucher_id, claims.merchant_id) == (v["voucher_id"], merchant)
    offer = (await client.get(f"/v1/offers/{offer_id}")).json()
    assert offer["stock_left"] == 2
    ledger = (await client.get("/v1/me/ledger", headers=bearer(citizen["access_token"]))).json()
    assert ledger["items"][0]["kind"] == "redeem" and ledger["items"][0]["points"] == -150


async def test_the_same_idempotency_key_returns_the_same_voucher_and_charges_once(client, db):
    _, offer_id, citizen = await _setup(client, db, price=100, stock=5)
    key = uuid.uuid4().hex
    first = await buy(client, citizen, offer_id, key)
    again = await buy(client, citizen, offer_id, key)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert await balance(client, citizen) == 900
    listed = (await client.get("/v1/me/vouchers", headers=bearer(citizen["access_token"]))).json()
    assert len(listed["items"]) == 1


async def test_the_same_key_with_another_body_is_refused(client, db):
    merchant, offer_id, citizen = await _setup(client, db)
    other_offer = await make_offer(db, merchant)
    key = uuid.uuid4().hex
    assert (await buy(client, citizen, offer_id, key)).status_code == 201
    assert_problem(await buy(client, citizen, other_offer, key), 422, "idempotency_key_reused")
    assert await balance(client, citizen) == 900


async def test_a_purchase_needs_an_idempotency_key(client, db):
    _, offer_id, citizen = await _setup(client, db)
    r = await client.post(
        "/v1/me/vouchers", json={"offer_id": offer_id}, headers=bearer(citizen["access_token"])
    )
    assert_problem(r, 400)
    assert await balance(client, citizen) == 1000


async def test_insufficient_points_out_of_stock_and_limit_reached_are_409(client, db):
    _, offer_id, citizen = await _setup(client, db, points=250, price=100, stock=2, limit=5)
    poor = await citizen_login(client)
    assert_problem(await buy(client, poor, offer_id), 409, "insufficient_points")
    assert (await buy(client, citizen, offer_id)).status_code == 201
    assert (await buy(client, citizen, offer_id)).status_code == 201
    rich = await citizen_login(client)
    await give_points(db, rich["citizen_id"], 1000)
    assert_problem(await buy(client, rich, offer_id), 409, "out_of_stock")
    assert await balance(client, rich) == 1000  # nothing taken for a refused purchase

    _, limited, citizen2 = await _setup(client, db, price=10, stock=10, limit=1)
    assert (await buy(client, citizen2, limited)).status_code == 201
    assert_problem(await buy(client, citizen2, limited), 409, "limit_reached")
    assert await balance(client, citizen2) == 990


async def test_an_offer_not_live_cannot_be_bought(client, db):
    merchant, _, citizen = await _setup(client, db)
    pending = await make_offer(db, merchant, approve=False)
    assert_problem(await buy(client, citizen, pending), 404, "offer_not_found")
    assert_problem(await client.get(f"/v1/offers/{pending}"), 404)
    now = utcnow()
    future = await make_offer(db, merchant, starts=now + timedelta(days=1))
    assert_problem(await buy(client, citizen, future), 404, "offer_not_found")
    ended = await make_offer(db, merchant, starts=now - timedelta(days=2), ends=now)
    assert_problem(await buy(client, citizen, ended), 410, "offer_ended")
    listed = (await client.get("/v1/offers")).json()["items"]
    assert {o["offer_id"] for o in listed}.isdisjoint({pending, future, ended})
    assert await balance(client, citizen) == 1000


async def test_points_leave_the_soonest_expiring_lot_first_and_a_cancel_puts_them_back(client, db):
    _, offer_id, citizen = await _setup(client, db, points=0, price=120)
    account = f"cit:{citizen['citizen_id']}"
    await give_points(db, citizen["citizen_id"], 100)  # lot expiring end of next year
    soon = utcnow() + timedelta(days=10)
    async with db.unit_of_work() as uow:  # an older lot, as if earned last year
        from domain.ledger.postings import credit, locked_citizen_account

        acc = await locked_citizen_account(uow, citizen["citizen_id"], utcnow())
        await credit(
            uow,
            acc,
            lots={soon: 50},
            kind="adjust",
            counter_account="sys:adjustment",
            key="test-old-lot",
            ref=None,
            now=utcnow(),
        )
    v = (await buy(client, citizen, offer_id)).json()
    async with db.unit_of_work() as uow:
        lots = {
            lot.expires_at: lot.remaining
            for lot in (
                await uow.session.execute(select(PointsLot).where(PointsLot.account_id == account))
            ).scalars()
        }
    assert lots[soon] == 0 and sum(lots.values()) == 30

    r = await client.post(
        f"/v1/me/vouchers/{v['voucher_id']}/cancel", headers=bearer(citizen["access_token"])
    )
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    async with db.unit_of_work() as uow:
        lots = {
            lot.expires_at: lot.remaining
            for lot in (
                await uow.session.execute(select(PointsLot).where(PointsLot.account_id == account))
            ).scalars()
        }
        offer = await uow.session.get(Offer, offer_id)
        assert offer.stock_left == offer.stock_total
        report = await verify_ledger(uow)
    assert lots[soon] == 50 and sum(lots.values()) == 150  # back with their original expiry
    assert report.ok, report.first_bad
    ledger = (await client.get("/v1/me/ledger", headers=bearer(citizen["access_token"]))).json()
    assert ledger["items"][0]["kind"] == "refund" and ledger["items"][0]["points"] == 120
    again = await client.post(
        f"/v1/me/vouchers/{v['voucher_id']}/cancel", headers=bearer(citizen["access_token"])
    )
    assert_problem(again, 410, "cancelled")
    assert await balance(client, citizen) == 150


async def test_a_citizen_cannot_read_show_or_cancel_another_citizens_voucher(client, db):
    _, offer_id, owner = await _setup(client, db)
    v = (await buy(client, owner, offer_id)).json()
    thief = await citizen_login(client)
    h = bearer(thief["access_token"])
    vid = v["voucher_id"]
    assert_problem(await client.get(f"/v1/me/vouchers/{vid}", headers=h), 404)
    assert_problem(await client.get(f"/v1/me/vouchers/{vid}/qr.png", headers=h), 404)
    assert_problem(await client.post(f"/v1/me/vouchers/{vid}/cancel", headers=h), 404)
    mine = await client.get(f"/v1/me/vouchers/{vid}", headers=bearer(owner["access_token"]))
    assert mine.json()["status"] == "issued"


async def test_the_qr_images_encode_the_token(client, db):
    _, offer_id, citizen = await _setup(client, db)
    v = (await buy(client, citizen, offer_id)).json()
    h = bearer(citizen["access_token"])
    r = await client.get(v["qr_url"], headers=h)
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    width, height, _, _ = png.Reader(bytes=r.content).read()
    assert width == height and width >= 200
    svg = await client.get(f"/v1/me/vouchers/{v['voucher_id']}/qr.svg", headers=h)
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert b"<svg" in svg.content
    assert "no-store" in r.headers["cache-control"]
