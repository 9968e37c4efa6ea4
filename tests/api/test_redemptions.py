"""Redeeming vouchers at the counter: once, by token or code, with retries and offline scans."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

from sqlalchemy import update

from domain.clock import utcnow
from domain.identity.principal import Role
from domain.persistence.tables import Voucher
from domain.vouchers import tokens
from tests.economy import balance, buy, cashier, give_points, make_offer, make_store, scan
from tests.helpers import (
    assert_problem,
    bearer,
    citizen_login,
    make_merchant,
    staff_login,
)


async def _voucher(client, db, **offer):
    merchant = await make_merchant(db)
    store = await make_store(db, merchant)
    offer_id = await make_offer(db, merchant, **offer)
    citizen = await citizen_login(client)
    await give_points(db, citizen["citizen_id"], 1000)
    r = await buy(client, citizen, offer_id)
    assert r.status_code == 201, r.text
    return merchant, store, citizen, r.json()


async def test_a_voucher_is_redeemed_once_and_then_answers_409_with_when_and_where(client, db):
    merchant, store, citizen, v = await _voucher(client, db)
    till = await cashier(client, db, merchant, store)
    first = await scan(client, till, token=v["token"])
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["voucher_id"] == v["voucher_id"]
    assert body["offer"]["title"] == "Green tea"
    assert body["store"] == {"store_id": store, "name": "Xinjiekou"}
    second = assert_problem(await scan(client, till, token=v["token"]), 409, "already_redeemed")
    assert second["redeemed_at"] == body["redeemed_at"]
    assert second["store"] == {"store_id": store, "name": "Xinjiekou"}
    mine = await client.get(
        f"/v1/me/vouchers/{v['voucher_id']}", headers=bearer(citizen["access_token"])
    )
    assert mine.json()["status"] == "redeemed"
    cancel = await client.post(
        f"/v1/me/vouchers/{v['voucher_id']}/cancel", headers=bearer(citizen["access_token"])
    )
    assert_problem(cancel, 409, "already_redeemed")


async def test_a_retry_with_the_same_nonce_gets_the_first_answer(client, db):
    merchant, _, _, v = await _voucher(client, db)
    till = await cashier(client, db, merchant)
    nonce = uuid.uuid4().hex
    first = await scan(client, till, nonce, token=v["token"])
    again = await scan(client, till, nonce, token=v["token"])
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    other = await scan(client, till, token=v["token"])
    assert_problem(other, 409, "already_redeemed")
    # a refused scan retried is refused again for the same reason
    assert_problem(await scan(client, till, "other-device", token=v["token"]), 409)
    assert_problem(await scan(client, till, "other-device", token=v["token"]), 409)


async def test_redeeming_by_the_typed_code(client, db):
    merchant, _, _, v = await _voucher(client, db)
    till = await cashier(client, db, merchant)
    typed = v["code"].lower().replace("-", " ")
    assert (await scan(client, till, code=typed)).status_code == 200
    assert_problem(await scan(client, till, code=v["code"]), 409, "already_redeemed")
    assert_problem(await scan(client, till, code="ZZZZZ-ZZZZZ"), 404, "voucher_not_found")
    assert_problem(await scan(client, till, code="not a code!"), 422, "bad_code")


async def test_another_merchants_voucher_is_403_and_stays_redeemable(client, db):
    _, _, _, v = await _voucher(client, db)
    other = await make_merchant(db, "Other shop")
    stranger = await cashier(client, db, other)
    assert_problem(await scan(client, stranger, token=v["token"]), 403, "not_your_voucher")
    claims = tokens.read_token(v["token"])
    owner = await cashier(client, db, claims.merchant_id)
    assert (await scan(client, owner, token=v["token"])).status_code == 200


async def test_forged_and_unreadable_tokens_are_400(client, db):
    merchant, _, _, v = await _voucher(client, db)
    till = await cashier(client, db, merchant)
    claims = tokens.read_token(v["token"])
    forged = tokens.sign_token(
        tokens.generate_private_key(),
        key_id=claims.key_id,
        voucher_id=claims.voucher_id,
        merchant_id=claims.merchant_id,
        expires_at=claims.expires_at,
    )
    assert_problem(await scan(client, till, token=forged), 400, "bad_token")
    assert_problem(await scan(client, till, token="PH1.garbage.more"), 400, "bad_token")
    assert_problem(await scan(client, till, token=v["token"][:-3] + "AAA"), 400, "bad_token")
    assert_problem(await scan(client, till), 422, "token_or_code")
    assert (await scan(client, till, token=v["token"])).status_code == 200


async def test_expired_and_cancelled_vouchers_are_410(client, db):
    merchant, _, citizen, v = await _voucher(client, db)
    till = await cashier(client, db, merchant)
    async with db.unit_of_work() as uow:
        await uow.session.execute(
            update(Voucher)
            .where(Voucher.id == v["voucher_id"])
            .values(expires_at=utcnow() - timedelta(minutes=1))
        )
    assert_problem(await scan(client, till, token=v["token"]), 410, "expired")

    cancelled = (await buy(client, citizen, await _offer_of(db, v))).json()
    await client.post(
        f"/v1/me/vouchers/{cancelled['voucher_id']}/cancel",
        headers=bearer(citizen["access_token"]),
    )
    assert_problem(await scan(client, till, token=cancelled["token"]), 410, "cancelled")
    revoked = await client.get("/v1/merchant/revocations", headers=bearer(till["access_token"]))
    assert [x["token"] for x in revoked.json()["items"]] == [cancelled["token"]]


async def _offer_of(db, v) -> str:
    async with db.unit_of_work() as uow:
        return (await uow.vouchers.get(v["voucher_id"])).offer_id


async def test_an_offline_scan_is_accepted_if_still_unredeemed_else_recorded_as_conflict(
    client, db
):
    merchant, _, _citizen, v = await _voucher(client, db)
    till = await cashier(client, db, merchant)
    scanned = utcnow() - timedelta(hours=2)
    r = await scan(client, till, token=v["token"], scanned_at=scanned.isoformat())
    assert r.status_code == 200, r.text
    assert r.json()["redeemed_at"].startswith(scanned.isoformat()[:19])

    # a second device scanned the same voucher offline an hour ago and uploads now
    hour_ago = (utcnow() - timedelta(hours=1)).isoformat()
    late = await scan(client, till, "device-2:77", token=v["token"], scanned_at=hour_ago)
    assert_problem(late, 409, "already_redeemed")
    again = await scan(client, till, "device-2:77", token=v["token"], scanned_at=hour_ago)
    assert_problem(again, 409, "already_redeemed")  # the upload retried: still one conflict
    admin = await staff_login(client, db, Role.OPERATIONS)
    h = bearer(admin["access_token"])
    conflicts = (await client.get("/v1/admin/redemption-conflicts?status=open", headers=h)).json()
    [conflict] = conflicts["items"]
    assert conflict["voucher_id"] == v["voucher_id"] and conflict["reason"] == "already_redeemed"
    done = await client.post(
        f"/v1/admin/redemption-conflicts/{conflict['conflict_id']}/resolve",
        json={"resolution": "customer served twice; merchant absorbs"},
        headers=h,
    )
    assert done.status_code == 200 and done.json()["status"] == "resolved"
    auditor = bearer((await staff_login(client, db, Role.AUDITOR))["access_token"])
    audit = (await client.get("/v1/admin/audit", headers=auditor)).json()["items"]
    assert any(a["action"] == "redemption_conflict.resolve" for a in audit)
    # an offline scan from the future is refused
    future = (utcnow() + timedelta(hours=1)).isoformat()
    assert_problem(await scan(client, till, token=v["token"], scanned_at=future), 422)


async def test_the_merchant_sees_its_redemptions_and_a_settlement(client, db):
    merchant, store, _, v = await _voucher(client, db, price=80)
    till = await cashier(client, db, merchant, store)
    assert (await scan(client, till, token=v["token"])).status_code == 200
    h = bearer(till["access_token"])
    history = (await client.get("/v1/merchant/redemptions", headers=h)).json()
    assert [x["voucher_id"] for x in history["items"]] == [v["voucher_id"]]
    from domain.clock import shanghai_date

    today = shanghai_date(utcnow())
    month = today.strftime("%Y-%m")
    s = (await client.get(f"/v1/merchant/settlements?month={month}", headers=h)).json()
    assert s["total_count"] == 1 and s["total_points"] == 80
    assert s["lines"][0]["day"] == today.isoformat()
    csv = await client.get(f"/v1/merchant/settlements?month={month}&format=csv", headers=h)
    assert csv.headers["content-type"].startswith("text/csv")
    rows = csv.text.strip().splitlines()
    assert rows[0] == "day,offer_id,title,count,points"
    assert rows[-1] == "total,,,1,80"
    bad = await client.get("/v1/merchant/settlements?month=2026-13", headers=h)
    assert_problem(bad, 422, "invalid_month")


async def test_public_keys_verify_tokens_offline_and_survive_a_rotation(client, db):
    merchant, _, citizen, v = await _voucher(client, db)
    till = await cashier(client, db, merchant)
    h = bearer(till["access_token"])
    keys = (await client.get("/v1/merchant/public-key", headers=h)).json()["keys"]
    ring = {k["key_id"]: k["public_key"] for k in keys}
    claims = tokens.verify_token(v["token"], ring, utcnow())
    assert claims.voucher_id == v["voucher_id"]

    admin = await staff_login(client, db, Role.ADMIN)
    rotated = await client.post("/v1/admin/voucher-keys", headers=bearer(admin["access_token"]))
    assert rotated.status_code == 201, rotated.text
    new_kid = rotated.json()["key_id"]
    offer_id = await _offer_of(db, v)
    v2 = (await buy(client, citizen, offer_id)).json()
    assert tokens.read_token(v2["token"]).key_id == new_kid
    # the old token still verifies until its key is retired
    assert (await scan(client, till, token=v["token"])).status_code == 200
    old_kid = claims.key_id
    retired = await client.post(
        f"/v1/admin/voucher-keys/{old_kid}/retire", headers=bearer(admin["access_token"])
    )
    assert retired.status_code == 204
    # a token of the retired key is refused now, although it verified (and was cached) before
    assert_problem(await scan(client, till, token=v["token"]), 400, "bad_token")
    v3 = (await buy(client, citizen, offer_id)).json()
    keys = (await client.get("/v1/merchant/public-key", headers=h)).json()["keys"]
    assert [k["key_id"] for k in keys] == [new_kid]
    assert (await scan(client, till, token=v3["token"])).status_code == 200
    assert json.loads(json.dumps(keys))[0]["algorithm"] == "Ed25519"


async def test_only_merchant_staff_redeem(client, db):
    _, _, citizen, v = await _voucher(client, db)
    assert_problem(await scan(client, citizen, token=v["token"]), 403)
    admin = await staff_login(client, db, Role.ADMIN)
    assert_problem(await scan(client, admin, token=v["token"]), 403)


async def test_without_a_signing_key_a_purchase_is_refused_until_a_key_is_made(client, db):
    from sqlalchemy import delete

    from domain.persistence.tables import SigningKey

    merchant = await make_merchant(db)
    offer_id = await make_offer(db, merchant)
    citizen = await citizen_login(client)
    await give_points(db, citizen["citizen_id"], 500)
    async with db.unit_of_work() as uow:
        await uow.session.execute(delete(SigningKey))
    assert_problem(await buy(client, citizen, offer_id), 409, "no_signing_key")
    assert await balance(client, citizen) == 500  # nothing taken
    admin = await staff_login(client, db, Role.ADMIN)
    made = await client.post("/v1/admin/voucher-keys", headers=bearer(admin["access_token"]))
    assert made.status_code == 201, made.text
    assert (await buy(client, citizen, offer_id)).status_code == 201
