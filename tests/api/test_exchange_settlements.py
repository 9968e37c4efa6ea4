"""The trading centre settles deals struck on its floor: signed like an operator, by an operator
of kind `exchange` only; Class I units move seller -> buyer once per deal id; no money moves."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from domain.clock import utcnow
from domain.crypto import DataProtector
from domain.identity.principal import Role
from domain.ledger.verify import verify_ledger
from domain.persistence.uow import Database
from tests.helpers import (
    assert_problem,
    dumps,
    make_operator,
    signed_headers,
    signed_post,
    staff_login,
)
from tests.registry_units import issued_units
from tests.registry_world import make_org


async def exchange(db: Database, settings: Any, kind: str = "exchange") -> tuple[str, str, str]:
    return await make_operator(db, DataProtector(settings.data_key), kind)


def a_deal(seller: str, buyer: str, quantity: int = 3, **more: Any) -> dict[str, Any]:
    return {
        "deal_id": f"D-{uuid.uuid4().hex[:12]}",
        "seller_account": seller,
        "buyer_account": buyer,
        "quantity": quantity,
        "price_fen_per_t": 9_870,
        "dealt_at": (utcnow() - timedelta(minutes=3)).isoformat(),
        **more,
    }


async def held(db: Database, account_id: str) -> int:
    async with db.unit_of_work() as uow:
        row = await uow.ledger.account(account_id)
        return 0 if row is None else row.balance


async def postings_of_kind(db: Database, prefix: str) -> int:
    from sqlalchemy import func, select

    from domain.persistence.tables import Posting

    async with db.unit_of_work() as uow:
        stmt = select(func.count()).where(Posting.kind.startswith(prefix))
        return int((await uow.session.execute(stmt)).scalar_one())


async def ledger_ok(db: Database) -> None:
    async with db.unit_of_work() as uow:
        report = await verify_ledger(uow)
    assert report.ok, report.first_bad


async def test_a_deal_settles_once_and_its_replay_answers_the_same(client, db, settings) -> None:
    seller, buyer = await make_org(db), await make_org(db)
    issued = await issued_units(db, seller, 10)
    ex, key, secret = await exchange(db, settings)
    path = f"/v1/exchange/{ex}/settlements"
    deal = a_deal(seller.account_id, buyer.account_id, 4)

    r = await signed_post(client, path, key, secret, deal)
    assert r.status_code == 201, r.text
    first = r.json()
    assert (first["deal_id"], first["quantity"], first["amount_fen"]) == (
        deal["deal_id"],
        4,
        4 * 9_870,
    )
    assert first["serial_ranges"] == [f"{issued.prefix}-7-10"]  # blocks split at their tail
    assert first["transfer_id"]
    assert (await held(db, seller.account_id), await held(db, buyer.account_id)) == (6, 4)

    again = await signed_post(client, path, key, secret, deal)  # a new nonce, the same deal
    assert again.status_code == 200 and again.json() == first
    assert (await held(db, seller.account_id), await held(db, buyer.account_id)) == (6, 4)

    other = {**deal, "quantity": 5}
    problem = assert_problem(await signed_post(client, path, key, secret, other), 409)
    assert problem["code"] == "deal_conflict" and problem["settlement_id"] == first["settlement_id"]
    assert await postings_of_kind(db, "mkt_") == 0  # no money moves on our side
    await ledger_ok(db)

    admin = await staff_login(client, db, Role.ADMIN)
    r = await client.get(
        f"/v1/admin/audit?target_id={first['settlement_id']}",
        headers={"Authorization": f"Bearer {admin['access_token']}"},
    )
    assert r.status_code == 200, r.text
    entries = [e for e in r.json()["items"] if e["action"] == "exchange.settle"]
    assert len(entries) == 1 and entries[0]["actor_id"] == f"exchange:{ex}"
    assert entries[0]["target_id"] == first["settlement_id"]


async def test_the_signature_is_required(client, db, settings) -> None:
    seller, buyer = await make_org(db), await make_org(db)
    await issued_units(db, seller, 2)
    ex, key, secret = await exchange(db, settings)
    path = f"/v1/exchange/{ex}/settlements"
    body = dumps(a_deal(seller.account_id, buyer.account_id, 1))
    r = await client.post(path, content=body, headers={"Content-Type": "application/json"})
    assert_problem(r, 401, "missing_signature")
    headers = signed_headers("POST", path, key, "not-the-secret", body)
    assert_problem(await client.post(path, content=body, headers=headers), 401)
    headers = signed_headers("POST", path, key, secret, body)
    tampered = body.replace(b'"quantity":1', b'"quantity":2')
    assert_problem(await client.post(path, content=tampered, headers=headers), 401)
    assert (await client.post(path, content=body, headers=headers)).status_code == 201
    assert_problem(await client.post(path, content=body, headers=headers), 401)  # nonce spent
    _, other_key, other_secret = await exchange(db, settings)
    headers = signed_headers("POST", path, other_key, other_secret, body)  # another's key
    assert_problem(await client.post(path, content=body, headers=headers), 401, "bad_key")
    assert await held(db, buyer.account_id) == 1


async def test_only_an_exchange_settles(client, db, settings) -> None:
    seller, buyer = await make_org(db), await make_org(db)
    await issued_units(db, seller, 2)
    metro, key, secret = await exchange(db, settings, "metro")
    deal = a_deal(seller.account_id, buyer.account_id, 1)
    r = await signed_post(client, f"/v1/exchange/{metro}/settlements", key, secret, deal)
    assert_problem(r, 403, "not_an_exchange")
    assert await held(db, buyer.account_id) == 0


async def test_an_exchange_has_no_feed(client, db, settings) -> None:
    ex, key, secret = await exchange(db, settings)
    admin = await staff_login(client, db, Role.ADMIN)
    headers = {"Authorization": f"Bearer {admin['access_token']}"}
    for body in (
        {"base_url": "https://exchange.example", "token": "t"},
        {"base_url": "https://exchange.example", "token": "t", "format": "metro-journeys"},
    ):
        r = await client.put(f"/v1/admin/operators/{ex}/feed", json=body, headers=headers)
        assert_problem(r, 422, "invalid_feed")
    r = await signed_post(client, f"/v1/operators/{ex}/trips", key, secret, {"trips": []})
    assert 400 <= r.status_code < 500
    made = await client.post(
        "/v1/admin/operators",
        json={"name": "公共资源交易中心", "kind": "exchange"},
        headers=headers,
    )
    assert made.status_code == 201 and made.json()["kind"] == "exchange", made.text


async def test_refusals_name_what_is_wrong(client, db, settings) -> None:
    seller, buyer = await make_org(db), await make_org(db)
    await issued_units(db, seller, 3)
    ex, key, secret = await exchange(db, settings)
    path = f"/v1/exchange/{ex}/settlements"

    async def refused(deal: dict[str, Any], status: int, code: str) -> dict[str, Any]:
        return assert_problem(await signed_post(client, path, key, secret, deal), status, code)

    s, b = seller.account_id, buyer.account_id
    await refused(a_deal(s, b, 4), 409, "insufficient_units")
    assert (await refused(a_deal("reg:nobody", b), 404, "account_not_found"))["field"] == (
        "seller_account"
    )
    assert (await refused(a_deal(s, "reg:nobody"), 404, "account_not_found"))["field"] == (
        "buyer_account"
    )
    await refused(a_deal(s, s), 422, "same_account")
    await refused(a_deal(s, b, 0), 422, "invalid_quantity")
    await refused(a_deal(s, b, price_fen_per_t=0), 422, "invalid_price")
    future = (utcnow() + timedelta(hours=1)).isoformat()
    await refused(a_deal(s, b, dealt_at=future), 422, "dealt_at_in_future")
    await refused(a_deal(s, b, dealt_at="2026-01-01T00:00:00"), 422, "invalid_time")
    await refused(a_deal(b, "reg:buffer"), 409, "account_not_buying")
    # a refused deal left nothing behind: the same deal id settles once the units are there
    deal = a_deal(s, b, 3)
    assert (await signed_post(client, path, key, secret, deal)).status_code == 201
    assert (await held(db, s), await held(db, b)) == (0, 3)
    await ledger_ok(db)


async def test_class_ii_units_are_not_traded(client, db, settings) -> None:
    seller, buyer = await make_org(db), await make_org(db)
    await issued_units(db, seller, 5, unit_class="II")
    ex, key, secret = await exchange(db, settings)
    deal = a_deal(seller.account_id, buyer.account_id, 2)
    r = await signed_post(client, f"/v1/exchange/{ex}/settlements", key, secret, deal)
    assert_problem(r, 409, "class_ii_not_tradable")
    assert (await held(db, seller.account_id), await held(db, buyer.account_id)) == (5, 0)
    await ledger_ok(db)
