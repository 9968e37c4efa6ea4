"""Hostile inputs (issue 10): whatever its bytes, a request gets a problem+json 4xx or a 2xx, never
a 500. Bodies, times, the NUL character, signatures; trip batches are in test_hostile_records.py.
Run on SQLite and on PostgreSQL (which refuses the NUL character outright)."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest

from api import cursors
from domain.identity.principal import Role
from domain.methodology.params import NJ_GT_V1, to_json
from tests.api.hostile import (
    CALENDAR_ENDS,
    DECODED_CURSORS,
    DEEP,
    DEEP_OBJECT,
    NOW,
    iso,
    send_body,
)
from tests.economy import buy, give_points, make_offer, scan
from tests.helpers import (
    assert_problem,
    bearer,
    citizen_login,
    make_merchant,
    signed_headers,
    staff_login,
)

# -- request bodies: nesting, encoding ------------------------------------------------------------


@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECT], ids=["array", "object"])
@pytest.mark.parametrize("where", ["trips", "auth_dev", "consent"])
async def test_json_nested_200000_deep_is_a_400(client, operators, where, body) -> None:
    assert_problem(await send_body(client, operators, where, body), 400, "invalid_json")


@pytest.mark.parametrize(
    "body",
    [b'{"openid":"\xff"}', b'{"openid":"caf\xc3"}', b'{"\xed\xa0\x80":"x"}', b"\xfe\xff"],
    ids=["ff", "truncated", "surrogate-key", "bom16"],
)
@pytest.mark.parametrize("where", ["trips", "auth_dev", "consent"])
async def test_invalid_utf8_is_a_400(client, operators, where, body) -> None:
    assert_problem(await send_body(client, operators, where, body), 400, "invalid_json")


async def test_a_body_nested_a_little_still_reads_as_before(client) -> None:
    """The guard is about nesting the stack cannot hold, not about ordinary bodies."""
    r = await client.post("/v1/auth/dev", json={"openid": [[["x"]]]})
    assert_problem(r, 400, "validation_failed")
    r = await client.post("/v1/auth/dev", json={"openid": "o-fine"})
    assert r.status_code == 200, r.text


# -- timestamps at the ends of the calendar -------------------------------------------------------


@pytest.mark.parametrize("moment", CALENDAR_ENDS)
async def test_offer_valid_from_at_the_calendar_ends_is_a_422(client, db, moment) -> None:
    merchant_id = await make_merchant(db)
    cashier = await staff_login(client, db, Role.MERCHANT, merchant_id)
    offer = {
        "title": "Tea",
        "points_price": 10,
        "stock": 5,
        "valid_from": moment,
        "valid_until": iso(NOW + timedelta(days=30)),
    }
    r = await client.post(
        "/v1/merchant/offers", json=offer, headers=bearer(cashier["access_token"])
    )
    body = assert_problem(r, 422, "invalid_time")
    assert "valid_from" in body["detail"]


@pytest.mark.parametrize("moment", CALENDAR_ENDS)
async def test_redemptions_since_at_the_calendar_ends_is_a_422(client, db, moment) -> None:
    merchant_id = await make_merchant(db)
    cashier = await staff_login(client, db, Role.MERCHANT, merchant_id)
    r = await client.get(
        "/v1/merchant/redemptions",
        params={"since": moment},
        headers=bearer(cashier["access_token"]),
    )
    assert_problem(r, 422, "invalid_time")


@pytest.mark.parametrize("moment", CALENDAR_ENDS)
async def test_an_offline_scan_time_at_the_calendar_ends_is_a_422(client, db, moment) -> None:
    merchant_id = await make_merchant(db)
    citizen = await citizen_login(client)
    await give_points(db, citizen["citizen_id"], 100)
    voucher = (await buy(client, citizen, await make_offer(db, merchant_id))).json()
    cashier = await staff_login(client, db, Role.MERCHANT, merchant_id)
    r = await scan(client, cashier, code=voucher["code"], scanned_at=moment)
    assert_problem(r, 422, "invalid_scanned_at")


@pytest.mark.parametrize("moment", CALENDAR_ENDS)
async def test_a_methodology_effective_from_at_the_calendar_ends_is_a_422(
    client, db, moment
) -> None:
    h = bearer((await staff_login(client, db, Role.ADMIN))["access_token"])
    draft = {"code": "NJ-H", "title": "h", "methodology_class": "I", "params": to_json(NJ_GT_V1)}
    mid = (await client.post("/v1/admin/methodologies", headers=h, json=draft)).json()[
        "methodology_id"
    ]
    assert (await client.post(f"/v1/admin/methodologies/{mid}/submit", headers=h)).is_success
    r = await client.post(
        f"/v1/admin/methodologies/{mid}/publish", headers=h, json={"effective_from": moment}
    )
    body = assert_problem(r, 422, "invalid_time")
    assert "effective_from" in body["detail"]


@pytest.mark.parametrize("moment", CALENDAR_ENDS)
async def test_a_cursor_at_the_calendar_ends_is_a_422(client, moment) -> None:
    citizen = await citizen_login(client)
    cursor = base64.urlsafe_b64encode(json.dumps([moment, "x"]).encode()).decode()
    r = await client.get(
        "/v1/me/trips", params={"cursor": cursor}, headers=bearer(citizen["access_token"])
    )
    assert_problem(r, 422, "invalid_cursor")


# -- the NUL character in what the API stores or looks up -----------------------------------------


async def test_nul_in_a_consent_version_is_a_422(client) -> None:
    citizen = await citizen_login(client)
    r = await client.put(
        "/v1/me/consent", json={"version": "v\u00001"}, headers=bearer(citizen["access_token"])
    )
    assert_problem(r, 422, "invalid_character")


@pytest.mark.parametrize("field", ["name", "contact_name", "contact_phone", "address"])
async def test_nul_in_a_merchant_application_is_a_422(client, field) -> None:
    application = {
        "name": "Tea House",
        "contact_name": "Li",
        "contact_phone": "13800000000",
        "address": "1 Road",
    }
    application[field] = application[field] + "\u0000"
    r = await client.post("/v1/merchant-applications", json=application)
    body = assert_problem(r, 422, "invalid_character")
    assert field in body["detail"]


async def test_nul_in_a_staff_username_is_a_422(client, db) -> None:
    r = await client.post(
        "/v1/auth/staff", json={"username": "admin\u0000", "password": "correct horse"}
    )
    assert_problem(r, 422, "invalid_character")
    admin = await staff_login(client, db, Role.ADMIN)
    r = await client.post(
        "/v1/admin/staff",
        json={"username": "cash\u0000ier", "password": "correct horse battery", "role": "admin"},
        headers=bearer(admin["access_token"]),
    )
    assert_problem(r, 422, "invalid_character")


async def test_nul_in_an_operator_binding_is_a_422(client, operators) -> None:
    op, key, secret = operators["metro"]
    path = f"/v1/operators/{op}/bindings"
    body = json.dumps({"code": "ABCD", "external_account": "card\u00001"}).encode()
    r = await client.post(
        path, content=body, headers=signed_headers("POST", path, key, secret, body)
    )
    assert_problem(r, 422, "invalid_character")


@pytest.mark.parametrize(
    ("path", "audience"),
    [
        ("/v1/me/trips", "citizen"),
        ("/v1/me/ledger", "citizen"),
        ("/v1/offers", "citizen"),
        ("/v1/merchant/redemptions", "merchant"),
        ("/v1/merchant/offers", "merchant"),
        ("/v1/admin/merchants", "admin"),
        ("/v1/admin/audit", "admin"),
    ],
)
@pytest.mark.parametrize(
    "cursor",
    ["\u0000", "abc\u0000", cursors.encode(NOW, "id\u0000"), cursors.encode("\u0000")],
    ids=["nul", "trailing-nul", "encoded-time-id", "encoded-nul"],
)
async def test_nul_in_a_cursor_is_a_4xx(client, db, path, audience, cursor) -> None:
    if audience == "citizen":
        token = (await citizen_login(client))["access_token"]
    elif audience == "merchant":
        token = (await staff_login(client, db, Role.MERCHANT, await make_merchant(db)))[
            "access_token"
        ]
    else:
        token = (await staff_login(client, db, Role.ADMIN))["access_token"]
    r = await client.get(path, params={"cursor": cursor}, headers=bearer(token))
    if "\x00" in cursor:
        assert_problem(r, 400, "invalid_character")
    elif path in DECODED_CURSORS:  # the decoded cursor holds NUL, or is not the right shape
        assert_problem(r, 422, "invalid_cursor")
    else:  # an opaque id that matches nothing, NUL only once decoded (which these never do)
        assert r.status_code == 200, r.text


@pytest.mark.parametrize(
    "path",
    ["/v1/offers/abc%00", "/v1/me/vouchers/%00", "/v1/me/bindings/x%00y"],
)
async def test_nul_in_a_path_is_a_400(client, path) -> None:
    citizen = await citizen_login(client)
    r = await client.request(
        "DELETE" if "bindings" in path else "GET", path, headers=bearer(citizen["access_token"])
    )
    assert_problem(r, 400, "invalid_character")


# -- the operator signature ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "signature", ["é" * 64, "签名", "\u00ff\u00fe"], ids=["e", "cjk", "latin1"]
)
async def test_a_non_ascii_signature_is_a_401(client, operators, signature) -> None:
    op, key, secret = operators["metro"]
    path = f"/v1/operators/{op}/ping"
    headers = signed_headers("GET", path, key, secret)
    headers["X-Puhui-Signature"] = signature
    raw = [(k.lower().encode(), v.encode("utf-8")) for k, v in headers.items()]
    r = await client.get(path, headers=raw)
    assert_problem(r, 401, "bad_signature")
