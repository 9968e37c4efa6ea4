"""Hostile inputs to the rest of governance (issue 13): working days, alerts, public institutions,
districts, notices paging, review subjects and the /schema docs. Whatever is sent, the answer is
a problem+json 4xx (or a 2xx), never a 500, and nothing is lost (complaints:
test_hostile_complaints.py)."""

from __future__ import annotations

import pytest

from domain.identity.principal import Role
from tests.complaints_world import ADMIN, ME, staff
from tests.helpers import assert_problem, bearer, citizen_login
from tests.registry_world import make_org, org_login

WD = "/v1/admin/working-days"


async def _complaint(client, h, **extra) -> dict:
    r = await client.post(ME, json={"category": "other", "text": "hm"} | extra, headers=h)
    assert r.status_code == 201, r.text
    return r.json()


# -- working days -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day", ["2026-02-30", "0000-01-01", "10000-01-01", "2026-13-01", "x", "2026-1-1x"]
)
async def test_bad_working_days_are_a_4xx(client, db, day) -> None:
    h = await staff(client, db, Role.ADMIN)
    r = await client.put(f"{WD}/{day}", json={"working": True, "reason": "x"}, headers=h)
    assert_problem(r, r.status_code)
    assert 400 <= r.status_code < 500
    assert_problem(await client.delete(f"{WD}/{day}", headers=h), r.status_code)


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1900-01-01", "2200-06-01"])
async def test_working_days_at_the_calendar_ends_do_not_break(client, db, day) -> None:
    h = await staff(client, db, Role.ADMIN)
    citizen = bearer((await citizen_login(client))["access_token"])
    await _complaint(client, citizen)  # a running clock to recompute
    r = await client.put(f"{WD}/{day}", json={"working": False, "reason": "x"}, headers=h)
    assert r.status_code in (200, 201) or assert_problem(r, r.status_code), r.text
    r = await client.get(WD, params={"from": day, "to": day}, headers=h)
    assert r.status_code == 200 or assert_problem(r, r.status_code), r.text
    r = await client.delete(f"{WD}/{day}", headers=h)
    assert r.status_code in (200, 204) or assert_problem(r, r.status_code), r.text


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2026-01-10", "to": "2026-01-01"},
        {"from": "2026-01-01", "to": "2026-12-31"},
        {"from": "2026-02-30", "to": "2026-03-01"},
        {"from": "0001-01-01", "to": "9999-12-31"},
        {"from": "9999-12-01", "to": "9999-12-31"},
        {"from": "x"},
        {},
    ],
)
async def test_bad_working_day_ranges_are_a_4xx(client, db, params) -> None:
    h = await staff(client, db, Role.ADMIN)
    r = await client.get(WD, params=params, headers=h)
    if r.status_code != 200:
        assert_problem(r, r.status_code)
        assert 400 <= r.status_code < 500


@pytest.mark.parametrize(
    "body",
    [
        {"working": "yes", "reason": "x"},
        {"working": True},
        {"working": True, "reason": ""},
        {"working": True, "reason": "x" * 201},
        {"working": True, "reason": "x", "z": 1},
    ],
)
async def test_bad_working_day_bodies_are_a_400(client, db, body) -> None:
    h = await staff(client, db, Role.ADMIN)
    r = await client.put(f"{WD}/2026-05-06", json=body, headers=h)
    assert_problem(r, 400)


# -- alerts -------------------------------------------------------------------------------------


@pytest.mark.parametrize("aid", ["NOSUCH", "x" * 3000])
async def test_acting_on_a_missing_alert_is_a_404(client, db, aid) -> None:
    h = await staff(client, db, Role.ADMIN)
    r = await client.post(f"/v1/admin/alerts/{aid}/acknowledge", json={}, headers=h)
    assert_problem(r, 404)
    r = await client.post(f"/v1/admin/alerts/{aid}/resolve", json={"note": "x"}, headers=h)
    assert_problem(r, 404)


@pytest.mark.parametrize("params", [{"status": "x"}, {"kind": "x"}, {"status": "open" * 100}])
async def test_bad_alert_filters_are_a_4xx(client, db, params) -> None:
    h = await staff(client, db, Role.AUDITOR)
    r = await client.get("/v1/admin/alerts", params=params, headers=h)
    assert_problem(r, r.status_code)
    assert 400 <= r.status_code < 500


# -- institutions -------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["", " ", "x" * 33, "K7QM-3XPA", "%", "\u202eabc", 12345, None])
async def test_bad_invite_codes_are_a_4xx(client, code) -> None:
    h = bearer((await citizen_login(client))["access_token"])
    r = await client.post("/v1/me/institution", json={"code": code}, headers=h)
    assert_problem(r, r.status_code)
    assert 400 <= r.status_code < 500
    assert (await client.get("/v1/me/institution", headers=h)).json()["institution"] is None


async def test_leaving_without_an_institution_is_not_a_500(client) -> None:
    h = bearer((await citizen_login(client))["access_token"])
    r = await client.delete("/v1/me/institution", headers=h)
    assert r.status_code == 204 or assert_problem(r, r.status_code)


# -- districts, stats, dashboard ----------------------------------------------------------------


@pytest.mark.parametrize("district", ["nowhere", "x" * 33, "320102 ", "", "%", "XUANWU"])
async def test_unknown_districts_are_a_4xx(client, db, district) -> None:
    r = await client.get("/v1/public/stats", params={"district": district})
    assert_problem(r, r.status_code)
    assert 400 <= r.status_code < 500
    h = await staff(client, db, Role.ADMIN)
    r = await client.get("/v1/admin/dashboard", params={"district": district}, headers=h)
    assert_problem(r, r.status_code)
    assert 400 <= r.status_code < 500


# -- public notices and reviews ----------------------------------------------------------------


@pytest.mark.parametrize("params", [{"kind": "x"}, {"kind": ""}, {"limit": "0"}])
async def test_bad_public_notice_params_are_a_400(client, params) -> None:
    assert_problem(await client.get("/v1/public/notices", params=params), 400)


@pytest.mark.parametrize(
    "params", [{"subject_kind": "x" * 17}, {"subject_kind": "weird"}, {"cursor": "x" * 65}]
)
async def test_bad_public_review_params_are_a_4xx_or_empty(client, params) -> None:
    r = await client.get("/v1/public/reviews", params=params)
    if r.status_code == 200:
        assert r.json()["items"] == []
    else:
        assert_problem(r, r.status_code)
        assert 400 <= r.status_code < 500


@pytest.mark.parametrize("nid", ["x" * 3000, "NOSUCH"])
async def test_a_missing_public_notice_is_a_404(client, nid) -> None:
    r = await client.get(f"/v1/public/notices/{nid}")
    assert r.status_code in (200, 404), r.text
    if r.status_code == 404:
        assert_problem(r, 404)


# -- /schema, /static, /disclosure -------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/schema/assets/../../../etc/passwd",
        "/schema/assets/%2e%2e/%2e%2e/etc/passwd",
        "/schema/assets/..%2f..%2fapi%2fsettings.py",
        "/schema/assets/docs.js/..%2f..%2f..%2fsettings.py",
        "/static/../settings.py",
        "/static/%2e%2e/%2e%2e/pyproject.toml",
        "/static/..%2f..%2f..%2fpyproject.toml",
        "/static/..%5c..%5cpyproject.toml",
        "/schema/assets/nosuch.js",
    ],
)
async def test_path_traversal_gets_nothing(client, path) -> None:
    r = await client.get(path)
    assert r.status_code in (400, 404), (r.status_code, r.text[:200])
    assert "[project]" not in r.text and "root:" not in r.text and "class Settings" not in r.text


@pytest.mark.parametrize(
    "method,path",
    [
        ("DELETE", "/v1/public/districts"),
        ("POST", "/v1/public/stats"),
        ("PUT", "/v1/public/notices"),
        ("POST", "/disclosure"),
        ("POST", "/schema/assets/docs.js"),
        ("PATCH", ME),
        ("DELETE", ADMIN),
        ("POST", WD),
    ],
)
async def test_methods_not_allowed_are_a_405(client, method, path) -> None:
    r = await client.request(method, path)
    assert r.status_code in (401, 405), r.text


async def test_disclosure_page_ignores_query_junk(client) -> None:
    r = await client.get("/disclosure", params={"district": "<script>alert(1)</script>"})
    assert r.status_code == 200
    assert "<script>alert(1)</script>" not in r.text


@pytest.mark.parametrize(
    "body",
    [
        {"max_uses": 0},
        {"max_uses": -1},
        {"max_uses": 2**70},
        {"expires_at": "2020-01-01T00:00:00Z"},
        {"expires_at": "2026-02-30T00:00:00Z"},
        {"expires_at": "2999-01-01T00:00:00Z"},
        {"expires_at": "0001-01-01T00:00:00+14:00"},
        {"expires_at": "9999-12-31T23:59:59-14:00"},
        {"expires_at": "2027-01-01T00:00:00"},  # no offset: refused, not compared naively
        {"code": "AAAA"},
    ],
)
async def test_bad_invite_code_requests_are_a_4xx(client, db, body) -> None:
    org = await make_org(db, kind="public_institution")
    admin = (await org_login(client, db, org.id))["headers"]
    r = await client.post("/v1/org/invite-codes", json=body, headers=admin)
    assert_problem(r, r.status_code)
    assert 400 <= r.status_code < 500
    assert (await client.get("/v1/org/invite-codes", headers=admin)).json() == []


async def test_revoking_another_institutions_code_is_a_404(client, db) -> None:
    mine = await make_org(db, kind="public_institution")
    theirs = await make_org(db, kind="public_institution")
    me = (await org_login(client, db, mine.id))["headers"]
    them = (await org_login(client, db, theirs.id))["headers"]
    code = (await client.post("/v1/org/invite-codes", json={}, headers=them)).json()
    r = await client.post(f"/v1/org/invite-codes/{code['invite_code_id']}/revoke", headers=me)
    assert_problem(r, 404)
    listed = (await client.get("/v1/org/invite-codes", headers=them)).json()
    assert listed[0]["status"] == "active"


@pytest.mark.parametrize("note", ["\u200b", "\u202e", "\u3000\ufeff"], ids=str.encode)
async def test_an_alert_resolved_with_an_invisible_note_stays_open(client, db, note) -> None:
    from tests.api.test_alerts import _overclaim

    await _overclaim(db)
    ops = await staff(client, db, Role.OPERATIONS)
    [item] = (await client.get("/v1/admin/alerts", headers=ops)).json()["items"]
    url = f"/v1/admin/alerts/{item['alert_id']}"
    r = await client.post(f"{url}/resolve", json={"note": note}, headers=ops)
    assert_problem(r, 422, "note_required")
    assert (await client.get(url, headers=ops)).json()["status"] == "open"
