"""Hostile inputs (issue 10): whatever its bytes, a request gets a problem+json 4xx or a 2xx, never
a 500; a bad record in a trip batch is that record's `rejected/invalid_record` and the rest of the
batch goes through. Run on SQLite and on PostgreSQL (which refuses the NUL character outright)."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from api import cursors
from domain.crypto import DataProtector
from domain.identity.principal import Role
from domain.methodology.params import NJ_GT_V1, to_json
from tests.economy import buy, give_points, make_offer, scan
from tests.helpers import (
    assert_problem,
    bearer,
    citizen_login,
    import_demo_network,
    make_merchant,
    make_operator,
    signed_headers,
    staff_login,
)

DEEP = b"[" * 200_000 + b"]" * 200_000
DEEP_OBJECT = b'{"a":' * 200_000 + b"1" + b"}" * 200_000
CALENDAR_ENDS = ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"]
NUL = "bad\u0000value"
NOW = datetime.now(UTC)
DECODED_CURSORS = {"/v1/me/trips", "/v1/me/ledger", "/v1/merchant/redemptions"}  # base64 JSON


def _time(moment: datetime) -> str:
    return moment.isoformat()


def _journey(ext: str, **changes: Any) -> dict[str, Any]:
    end = NOW - timedelta(hours=2)
    record = {
        "external_trip_id": ext,
        "external_account": "card-1",
        "entry_station": "NJM101",
        "exit_station": "NJM108",
        "entry_time": _time(end - timedelta(minutes=20)),
        "exit_time": _time(end),
    }
    return record | changes


def _tap(direction: str, station: str, moment: str) -> dict[str, Any]:
    return {"external_account": "card-2", "tap": direction, "station": station, "time": moment}


def _mds(trip_id: str, **changes: Any) -> dict[str, Any]:
    end = int((NOW - timedelta(hours=2)).timestamp() * 1000)
    record = {
        "trip_id": trip_id,
        "external_account": "rider-1",
        "start_time": end - 900_000,
        "end_time": end,
        "duration": 900,
        "distance": 2500,
    }
    return record | changes


def _boarding(ext: str, **changes: Any) -> dict[str, Any]:
    board = NOW - timedelta(hours=2)
    record = {
        "external_trip_id": ext,
        "external_account": "bus-card-1",
        "route_id": "R1",
        "board_stop": "NJM101",
        "board_time": _time(board),
        "alight_stop": "NJM108",
        "alight_time": _time(board + timedelta(minutes=25)),
    }
    return record | changes


@pytest.fixture
async def operators(db, settings) -> dict[str, tuple[str, str, str]]:
    protector = DataProtector(settings.data_key)
    out = {}
    for kind in ("metro", "bikeshare", "bus"):
        op = await make_operator(db, protector, kind)
        if kind != "bikeshare":
            await import_demo_network(db, op[0])
        out[kind] = op
    return out


async def _push_raw(client, op: tuple[str, str, str], body: bytes):
    path = f"/v1/operators/{op[0]}/trips"
    return await client.post(
        path, content=body, headers=signed_headers("POST", path, *op[1:], body)
    )


async def _push(client, op: tuple[str, str, str], envelope: str, records: list[Any]):
    return await _push_raw(client, op, json.dumps({envelope: records}).encode())


# -- request bodies: nesting, encoding ------------------------------------------------------------


@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECT], ids=["array", "object"])
@pytest.mark.parametrize("where", ["trips", "auth_dev", "consent"])
async def test_json_nested_200000_deep_is_a_400(client, operators, where, body) -> None:
    if where == "trips":
        r = await _push_raw(client, operators["metro"], body)
    elif where == "auth_dev":
        r = await client.post(
            "/v1/auth/dev", content=body, headers={"content-type": "application/json"}
        )
    else:
        citizen = await citizen_login(client)
        r = await client.put(
            "/v1/me/consent",
            content=body,
            headers={"content-type": "application/json"} | bearer(citizen["access_token"]),
        )
    assert_problem(r, 400, "invalid_json")


@pytest.mark.parametrize(
    "body",
    [b'{"openid":"\xff"}', b'{"openid":"caf\xc3"}', b'{"\xed\xa0\x80":"x"}', b"\xfe\xff"],
    ids=["ff", "truncated", "surrogate-key", "bom16"],
)
@pytest.mark.parametrize("where", ["trips", "auth_dev", "consent"])
async def test_invalid_utf8_is_a_400(client, operators, where, body) -> None:
    if where == "trips":
        r = await _push_raw(client, operators["metro"], body)
    elif where == "auth_dev":
        r = await client.post(
            "/v1/auth/dev", content=body, headers={"content-type": "application/json"}
        )
    else:
        citizen = await citizen_login(client)
        r = await client.put(
            "/v1/me/consent",
            content=body,
            headers={"content-type": "application/json"} | bearer(citizen["access_token"]),
        )
    assert_problem(r, 400, "invalid_json")


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
        "valid_until": _time(NOW + timedelta(days=30)),
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


# -- trip batches: one bad record is that record's invalid_record ---------------------------------


def _results(r) -> dict[str | None, dict[str, Any]]:
    assert r.status_code == 200, r.text
    return {item["external_trip_id"]: item for item in r.json()["results"]}


def _assert_invalid(result: dict[str, Any]) -> None:
    assert (result["status"], result["reason"]) == ("rejected", "invalid_record"), result


@pytest.mark.parametrize("moment", CALENDAR_ENDS)
@pytest.mark.parametrize("field", ["entry_time", "exit_time"])
async def test_metro_times_at_the_calendar_ends_are_invalid_records(
    client, operators, field, moment
) -> None:
    r = await _push(client, operators["metro"], "trips", [_journey("bad", **{field: moment})])
    _assert_invalid(_results(r)["bad"])


@pytest.mark.parametrize(
    "record",
    [
        _journey(NUL),
        _journey("nul-entry", entry_station="NJM\u0000101"),
        _journey("nul-exit", exit_station="\u0000"),
        _journey("nul-account", external_account="card\u00001"),
    ],
    ids=["trip-id", "entry-station", "exit-station", "account"],
)
async def test_nul_in_a_journey_is_an_invalid_record(client, operators, record) -> None:
    r = await _push(client, operators["metro"], "trips", [_journey("good"), record])
    results = r.json()["results"] if r.status_code == 200 else None
    assert results is not None, r.text
    assert len(results) == 2
    good, bad = results
    assert good["external_trip_id"] == "good" and good["status"] != "rejected", good
    _assert_invalid(bad)


@pytest.mark.parametrize(
    "tap",
    [
        _tap("in", "NJM\u0000101", _time(NOW - timedelta(hours=1))),
        _tap("in", "NJM101", CALENDAR_ENDS[0]),
        _tap("out", "NJM108", CALENDAR_ENDS[1]),
        {"external_account": "card\u00002", "tap": "in", "station": "NJM101", "time": _time(NOW)},
    ],
    ids=["nul-station", "year-1", "year-9999", "nul-account"],
)
async def test_bad_raw_taps_are_invalid_records(client, operators, tap) -> None:
    good = [
        _tap("in", "NJM101", _time(NOW - timedelta(hours=1, minutes=20))),
        _tap("out", "NJM108", _time(NOW - timedelta(hours=1))),
    ]
    r = await _push(client, operators["metro"], "taps", [*good, tap])
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["taps"]["invalid"] == 1 and body["taps"]["journeys"] == 1, body
    invalid = [x for x in body["results"] if x["reason"] == "invalid_record"]
    assert len(invalid) == 1, body


@pytest.mark.parametrize(
    "record",
    [
        _mds("far", end_time=253_402_300_799_999),
        _mds("far-start", start_time=253_402_300_799_999, end_time=253_402_300_799_999),
        _mds("nul\u0000id"),
        _mds("nul-account", external_account="\u0000"),
        _mds("million-km", distance=1e12),  # fits MDS, not a trip (nor a 32-bit column)
    ],
    ids=["end-9999", "start-9999", "nul-id", "nul-account", "million-km"],
)
async def test_bad_mds_trips_are_invalid_records(client, operators, record) -> None:
    r = await _push(client, operators["bikeshare"], "trips", [_mds("good"), record])
    assert r.status_code == 200, r.text
    good, bad = r.json()["results"]
    assert good["external_trip_id"] == "good" and good["reason"] != "invalid_record", good
    _assert_invalid(bad)


@pytest.mark.parametrize(
    "record",
    [
        _boarding("year-1", board_time=CALENDAR_ENDS[0]),
        _boarding("year-9999", alight_time=CALENDAR_ENDS[1]),
        _boarding("nul-stop", board_stop="NJM\u0000101"),
        _boarding("nul-route", route_id="R\u00001"),
        _boarding("nul\u0000id"),
    ],
    ids=["year-1", "year-9999", "nul-stop", "nul-route", "nul-id"],
)
async def test_bad_boardings_are_invalid_records(client, operators, record) -> None:
    r = await _push(client, operators["bus"], "trips", [_boarding("good"), record])
    assert r.status_code == 200, r.text
    good, bad = r.json()["results"]
    assert good["external_trip_id"] == "good" and good["reason"] != "invalid_record", good
    _assert_invalid(bad)


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
