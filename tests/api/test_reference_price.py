"""The reference price per tonne: staff enter it with its trading day and source, everyone reads
the one in force (the latest entered), every entry stays as history and is audited."""

from __future__ import annotations

from datetime import timedelta

from domain.clock import shanghai_date, utcnow
from domain.identity.principal import Role
from tests.helpers import assert_problem, bearer, staff_login

PUBLIC = "/v1/market/reference-price"
ADMIN = "/v1/admin/reference-price"


async def test_staff_enter_it_and_everyone_reads_the_latest(client, db) -> None:
    assert_problem(await client.get(PUBLIC), 404, "no_reference_price")
    ops = bearer((await staff_login(client, db, Role.OPERATIONS))["access_token"])
    today = shanghai_date(utcnow())
    first = {"price_fen_per_t": 9_850, "as_of": str(today - timedelta(days=1)), "source": "ETS"}
    assert (await client.put(ADMIN, json=first, headers=ops)).status_code == 200
    second = {"price_fen_per_t": 10_120, "as_of": str(today), "source": "全国碳市场收盘价"}
    r = await client.put(ADMIN, json=second, headers=ops)
    assert r.status_code == 200, r.text
    shown = (await client.get(PUBLIC)).json()
    assert (shown["price_fen_per_t"], shown["as_of"], shown["source"]) == (
        10_120,
        str(today),
        "全国碳市场收盘价",
    )
    auditor = bearer((await staff_login(client, db, Role.AUDITOR))["access_token"])
    audit = (await client.get("/v1/admin/audit", headers=auditor)).json()["items"]
    entries = [e for e in audit if e["action"] == "market.reference_price"]
    assert len(entries) == 2  # history: the first entry is kept and was audited too
    assert entries[0]["before"]["price_fen_per_t"] == 9_850


async def test_bad_prices_are_named_and_only_staff_set_it(client, db) -> None:
    ops = bearer((await staff_login(client, db, Role.OPERATIONS))["access_token"])
    today = shanghai_date(utcnow())
    good = {"price_fen_per_t": 9_000, "as_of": str(today), "source": "ETS"}
    for bad, code, field in (
        ({**good, "price_fen_per_t": 0}, "invalid_price", "price_fen_per_t"),
        ({**good, "price_fen_per_t": 100_000_001}, "invalid_price", "price_fen_per_t"),
        ({**good, "as_of": str(today + timedelta(days=2))}, "as_of_in_future", "as_of"),
        ({**good, "source": "   "}, "source_required", "source"),
    ):
        r = await client.put(ADMIN, json=bad, headers=ops)
        assert assert_problem(r, 422, code)["field"] == field
    auditor = bearer((await staff_login(client, db, Role.AUDITOR))["access_token"])
    assert_problem(await client.put(ADMIN, json=good, headers=auditor), 403, "role_required")
    assert_problem(await client.put(ADMIN, json=good), 401)
