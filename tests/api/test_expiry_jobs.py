"""The scheduled jobs of the points economy: lot expiry, and vouchers expiring unredeemed."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from domain.clock import utcnow
from domain.ledger.postings import credit, locked_citizen_account
from domain.ledger.verify import verify_ledger
from domain.persistence.tables import PointsLot, Posting, Voucher
from jobs import points_expiry, voucher_expiry
from tests.economy import balance, buy, give_points, make_offer
from tests.helpers import bearer, citizen_login, make_merchant


async def _lot(db, citizen_id: str, expires_at, points: int, key: str) -> None:
    async with db.unit_of_work() as uow:
        account = await locked_citizen_account(uow, citizen_id, utcnow())
        await credit(
            uow,
            account,
            lots={expires_at: points},
            kind="earn",
            counter_account="sys:issuance",
            key=key,
            ref=None,
            now=utcnow(),
        )


async def test_expired_lot_remainders_leave_with_one_posting_each(client, db):
    now = utcnow()
    a, b = await citizen_login(client), await citizen_login(client)
    await _lot(db, a["citizen_id"], now - timedelta(days=1), 70, "lot-a1")
    await _lot(db, a["citizen_id"], now - timedelta(hours=1), 30, "lot-a2")
    await _lot(db, a["citizen_id"], now + timedelta(days=20), 40, "lot-a3")
    await _lot(db, b["citizen_id"], now - timedelta(days=3), 5, "lot-b1")

    me = (await client.get("/v1/me", headers=bearer(a["access_token"]))).json()
    assert [x["points"] for x in me["points"]["expiring"]] == [70, 30, 40]  # within 30 days

    assert await points_expiry.run(db, now) == 3
    assert await points_expiry.run(db, now) == 0  # nothing twice
    assert await balance(client, a) == 40 and await balance(client, b) == 0
    async with db.unit_of_work() as uow:
        expired = (
            await uow.session.execute(select(Posting).where(Posting.kind == "expire"))
        ).scalars()
        amounts = sorted(p.amount for p in expired)
        remaining = (
            await uow.session.execute(
                select(PointsLot.remaining).where(PointsLot.expires_at <= now)
            )
        ).scalars()
        report = await verify_ledger(uow)
    assert amounts == [5, 30, 70]
    assert set(remaining) == {0}
    assert report.ok, report.first_bad
    ledger = (await client.get("/v1/me/ledger", headers=bearer(a["access_token"]))).json()
    assert ledger["items"][0]["kind"] == "expire"


async def test_a_voucher_expiring_unredeemed_is_refunded_by_the_job(client, db):
    merchant = await make_merchant(db)
    offer_id = await make_offer(db, merchant, price=100)
    citizen = await citizen_login(client)
    await give_points(db, citizen["citizen_id"], 300)
    kept = (await buy(client, citizen, offer_id)).json()
    lapsed = (await buy(client, citizen, offer_id)).json()
    assert await balance(client, citizen) == 100
    async with db.unit_of_work() as uow:
        await uow.session.execute(
            update(Voucher)
            .where(Voucher.id == lapsed["voucher_id"])
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    assert await voucher_expiry.run(db, utcnow()) == 1
    assert await voucher_expiry.run(db, utcnow()) == 0
    assert await balance(client, citizen) == 200
    h = bearer(citizen["access_token"])
    mine = {
        v["voucher_id"]: v["status"]
        for v in (await client.get("/v1/me/vouchers", headers=h)).json()["items"]
    }
    assert mine == {kept["voucher_id"]: "issued", lapsed["voucher_id"]: "expired"}
    ledger = (await client.get("/v1/me/ledger", headers=h)).json()["items"]
    assert ledger[0]["kind"] == "refund" and ledger[0]["points"] == 100
    async with db.unit_of_work() as uow:
        report = await verify_ledger(uow)
    assert report.ok, report.first_bad
