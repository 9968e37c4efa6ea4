"""Hostile inputs to complaints (issue 13): bodies, cursors, staff actions, attachments and races
over real TCP. Whatever is sent, the answer is a problem+json 4xx (or a 2xx), never a 500, and
nothing is lost."""

from __future__ import annotations

import asyncio

import pytest

from api.app import create_app
from domain.identity.principal import Role
from tests.api.hostile import NUL
from tests.complaints_world import ADMIN, ME, MERCHANT, add_trip, citizen_with_voucher, staff
from tests.helpers import assert_problem, bearer, citizen_login, staff_login
from tests.live import http_client

HUGE = "x" * 100_000
WD = "/v1/admin/working-days"


async def _complaint(client, h, **extra) -> dict:
    r = await client.post(ME, json={"category": "other", "text": "hm"} | extra, headers=h)
    assert r.status_code == 201, r.text
    return r.json()


# -- complaints: bodies -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"category": 1, "text": "x"},
        {"category": "other", "text": ["x"]},
        {"category": "other", "text": HUGE},
        {"category": "other", "text": "x", "ref_type": "trip", "ref_id": "../../etc"},
        {"category": "other", "text": "x", "ref_type": "trip", "ref_id": "A" * 27},
        {"category": "other", "text": "x", "ref_type": "x" * 17, "ref_id": "A"},
        {"category": "other", "text": "x", "ref_type": None, "ref_id": "A1"},
        {"category": "other", "text": "x", "ref_type": "voucher"},
        {"category": "other", "text": "x", "ref_type": "trip", "ref_id": "A1", "extra": 1},
        {"category": "other", "text": "\u202e\u200b"},
        {"category": "Other", "text": "x"},
        {"category": "other", "text": "x", "ref_type": "TRIP", "ref_id": "A1"},
        [],
        "x",
        None,
    ],
)
async def test_a_bad_complaint_body_is_a_4xx(client, body) -> None:
    h = bearer((await citizen_login(client))["access_token"])
    r = await client.post(ME, json=body, headers=h)
    assert_problem(r, r.status_code)
    assert 400 <= r.status_code < 500
    assert (await client.get(ME, headers=h)).json()["items"] == []


async def test_nul_in_a_complaint_text_is_refused(client) -> None:
    h = bearer((await citizen_login(client))["access_token"])
    r = await client.post(ME, json={"category": "other", "text": NUL}, headers=h)
    assert_problem(r, 422, "invalid_character")


@pytest.mark.parametrize(
    "cursor", ["x", "!!!", "eyJ", "W10", "WyJ4Il0", "WzFd", "W251bGxd", "e30", "A" * 64]
)
@pytest.mark.parametrize("path", [ME, ADMIN, "/v1/public/notices", "/v1/admin/alerts"])
async def test_bad_cursors_are_a_4xx_or_an_empty_page(client, db, path, cursor) -> None:
    if path.startswith("/v1/admin"):
        h = await staff(client, db, Role.ADMIN)
    else:
        h = bearer((await citizen_login(client))["access_token"])
    r = await client.get(path, params={"cursor": cursor}, headers=h)
    if r.status_code != 200:
        assert_problem(r, r.status_code)
        assert 400 <= r.status_code < 500
    else:
        assert r.json()["items"] == []


@pytest.mark.parametrize("limit", ["0", "-1", "101", "99999999999999999999", "1.5", "x"])
@pytest.mark.parametrize(
    "path", [ME, ADMIN, "/v1/public/notices", "/v1/admin/alerts", "/v1/public/reviews"]
)
async def test_bad_limits_are_a_400(client, db, path, limit) -> None:
    if path.startswith("/v1/admin"):
        h = await staff(client, db, Role.ADMIN)
    else:
        h = bearer((await citizen_login(client))["access_token"])
    assert_problem(await client.get(path, params={"limit": limit}, headers=h), 400)


@pytest.mark.parametrize(
    "params",
    [
        {"status": "weird"},
        {"category": "x" * 1000},
        {"assignee": "x" * 1000},
        {"sla": "later"},
        {"kind": "x" * 100},
    ],
)
async def test_bad_staff_queue_filters_are_a_4xx(client, db, params) -> None:
    h = await staff(client, db, Role.ADMIN)
    r = await client.get(ADMIN, params=params, headers=h)
    if r.status_code != 200:
        assert_problem(r, r.status_code)
        assert 400 <= r.status_code < 500


@pytest.mark.parametrize("cid", ["x" * 5000, "..%2F..%2Fetc", "%E2%80%AE", "0"])
async def test_odd_complaint_ids_are_a_404(client, db, cid) -> None:
    h = bearer((await citizen_login(client))["access_token"])
    assert_problem(await client.get(f"{ME}/{cid}", headers=h), 404)
    ops = await staff(client, db, Role.OPERATIONS)
    assert_problem(await client.get(f"{ADMIN}/{cid}", headers=ops), 404)
    assert_problem(
        await client.post(f"{ADMIN}/{cid}/respond", json={"text": "x"}, headers=ops), 404
    )


async def test_a_merchant_cannot_reference_another_merchants_voucher(client, db) -> None:
    alice = await citizen_with_voucher(client, db)
    bob = await citizen_with_voucher(client, db)  # a voucher of another merchant
    cashier = bearer(
        (await staff_login(client, db, Role.MERCHANT, alice["merchant_id"]))["access_token"]
    )
    for ref in (bob["voucher"]["voucher_id"], alice["voucher"]["voucher_id"]):
        body = {"category": "voucher", "ref_type": "voucher", "ref_id": ref, "text": "x"}
        r = await client.post(MERCHANT, json=body, headers=cashier)
        assert_problem(r, r.status_code)
        assert 400 <= r.status_code < 500


async def test_a_merchant_cannot_see_a_citizens_complaint(client, db) -> None:
    alice = await citizen_with_voucher(client, db)
    c = await _complaint(client, alice["h"])
    cashier = bearer(
        (await staff_login(client, db, Role.MERCHANT, alice["merchant_id"]))["access_token"]
    )
    assert_problem(await client.get(f"{MERCHANT}/{c['complaint_id']}", headers=cashier), 404)
    r = await client.post(
        f"{MERCHANT}/{c['complaint_id']}/rating", json={"score": 1}, headers=cashier
    )
    assert_problem(r, 404)


# -- complaints: staff actions ------------------------------------------------------------------


@pytest.mark.parametrize(
    "action,body",
    [
        ("assign", {"staff_id": "NOSUCHSTAFF"}),
        ("assign", {"staff_id": ""}),
        ("assign", {"staff_id": 5}),
        ("respond", {"text": ""}),
        ("respond", {"text": "   "}),
        ("respond", {"text": HUGE}),
        ("resolve", {"text": "ok", "adjustment_id": "NOSUCH"}),
        ("resolve", {"text": "ok", "adjustment_id": "../x"}),
        ("escalate", {"reason": ""}),
        ("escalate", {"reason": "  "}),
        ("escalate", {"reason": "x" * 501}),
        ("resolve", {}),
        ("respond", {"text": "x", "status": "resolved"}),
    ],
)
async def test_bad_staff_actions_are_a_4xx_and_change_nothing(client, db, action, body) -> None:
    h = bearer((await citizen_login(client))["access_token"])
    c = await _complaint(client, h)
    ops = await staff(client, db, Role.OPERATIONS)
    r = await client.post(f"{ADMIN}/{c['complaint_id']}/{action}", json=body, headers=ops)
    assert_problem(r, r.status_code)
    assert 400 <= r.status_code < 500
    after = (await client.get(f"{ME}/{c['complaint_id']}", headers=h)).json()
    assert after["status"] == "open" and [s["step"] for s in after["steps"]] == ["filed"]


async def test_a_citizen_is_not_staff(client, db) -> None:
    h = bearer((await citizen_login(client))["access_token"])
    c = await _complaint(client, h)
    for action, body in (("respond", {"text": "x"}), ("resolve", {"text": "x"})):
        r = await client.post(f"{ADMIN}/{c['complaint_id']}/{action}", json=body, headers=h)
        assert r.status_code in (401, 403), r.text
    auditor = await staff(client, db, Role.AUDITOR)
    r = await client.post(
        f"{ADMIN}/{c['complaint_id']}/resolve", json={"text": "x"}, headers=auditor
    )
    assert_problem(r, 403)


async def test_a_resolution_linking_another_filers_adjustment_is_refused(client, db) -> None:
    """The adjustment must be one of the filer's own."""
    alice = await citizen_with_voucher(client, db)
    c = await _complaint(client, alice["h"])
    ops = await staff(client, db, Role.OPERATIONS)
    admin = await staff(client, db, Role.ADMIN)
    bob = await citizen_login(client)
    r = await client.post(
        "/v1/admin/adjustments",
        json={"citizen_id": bob["citizen_id"], "points": 5, "reason": "goodwill"},
        headers=admin,
    )
    if r.status_code not in (200, 201):
        pytest.skip(f"adjustment shape: {r.text}")
    adj = r.json().get("adjustment_id") or r.json().get("id")
    r = await client.post(
        f"{ADMIN}/{c['complaint_id']}/resolve",
        json={"text": "done", "adjustment_id": adj},
        headers=ops,
    )
    assert_problem(r, r.status_code)
    assert 400 <= r.status_code < 500


async def test_concurrent_resolves_and_ratings_give_one_each(client, db) -> None:
    h = bearer((await citizen_login(client))["access_token"])
    c = await _complaint(client, h)
    ops = await staff(client, db, Role.OPERATIONS)
    url = f"{ADMIN}/{c['complaint_id']}/resolve"
    rs = await asyncio.gather(
        *(client.post(url, json={"text": f"r{i}"}, headers=ops) for i in range(4))
    )
    assert sorted(r.status_code for r in rs) == [201, 409, 409, 409], [r.text for r in rs]
    rate = f"{ME}/{c['complaint_id']}/rating"
    rs = await asyncio.gather(*(client.post(rate, json={"score": 3}, headers=h) for _ in range(4)))
    assert sorted(r.status_code for r in rs) == [201, 409, 409, 409], [r.text for r in rs]
    steps = (await client.get(f"{ME}/{c['complaint_id']}", headers=h)).json()["steps"]
    assert [s["step"] for s in steps] == ["filed", "resolved", "rated"]


@pytest.mark.parametrize("score", [0, -1, 6, 2**63, 1.5, "5", True, None])
async def test_bad_rating_scores_are_a_400(client, db, score) -> None:
    h = bearer((await citizen_login(client))["access_token"])
    c = await _complaint(client, h)
    r = await client.post(f"{ME}/{c['complaint_id']}/rating", json={"score": score}, headers=h)
    assert_problem(r, r.status_code)
    assert 400 <= r.status_code < 500


# -- complaints: attachments --------------------------------------------------------------------


@pytest.mark.parametrize(
    "files",
    [
        {"file": ("empty.png", b"", "image/png")},
        {"file": ("x.exe", b"MZ\x90\x00" + b"\x00" * 60, "application/octet-stream")},
        {"file": ("x.html", b"<html><script>alert(1)</script>", "text/html")},
        {"file": ("x.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml")},
        {"file": ("../../etc/passwd", b"root:x:0:0", "text/plain")},
        {"file": ("a" * 5000 + ".txt", b"hello", "text/plain")},
        {"file": ("x.txt", b"hello", "text/plain\x00")},
        {"file": ("x.txt", b"\xff\xfe\x00bin", "text/plain")},
        {"other": ("x.txt", b"hello", "text/plain")},
    ],
)
async def test_bad_attachments_are_a_4xx(client, db, files) -> None:
    h = bearer((await citizen_login(client))["access_token"])
    c = await _complaint(client, h)
    r = await client.post(f"{ME}/{c['complaint_id']}/attachments", files=files, headers=h)
    if r.status_code == 201:  # stored: its name must then be harmless
        assert "/" not in r.json()["name"] and len(r.json()["name"]) <= 200, r.json()
        return
    assert_problem(r, r.status_code)
    assert 400 <= r.status_code < 500
    assert (await client.get(f"{ME}/{c['complaint_id']}", headers=h)).json()["attachments"] == []


async def test_an_attachment_as_json_is_a_4xx(client) -> None:
    h = bearer((await citizen_login(client))["access_token"])
    c = await _complaint(client, h)
    r = await client.post(f"{ME}/{c['complaint_id']}/attachments", json={"file": "x"}, headers=h)
    assert_problem(r, r.status_code)
    assert 400 <= r.status_code < 500


async def test_an_attachment_larger_than_allowed_is_a_413(client, settings) -> None:
    h = bearer((await citizen_login(client))["access_token"])
    c = await _complaint(client, h)
    big = b"a" * (settings.upload_max_bytes + 1)
    r = await client.post(
        f"{ME}/{c['complaint_id']}/attachments",
        files={"file": ("big.txt", big, "text/plain")},
        headers=h,
    )
    assert_problem(r, r.status_code)
    assert r.status_code in (413, 422)


async def test_attaching_to_someone_elses_complaint_is_a_404(client) -> None:
    alice = bearer((await citizen_login(client))["access_token"])
    bob = bearer((await citizen_login(client))["access_token"])
    c = await _complaint(client, alice)
    r = await client.post(
        f"{ME}/{c['complaint_id']}/attachments",
        files={"file": ("x.txt", b"hello", "text/plain")},
        headers=bob,
    )
    assert_problem(r, 404)


# -- races over real TCP (PostgreSQL) -----------------------------------------------------------


@pytest.fixture
async def live(settings):
    """Requests over TCP to a real server, so concurrent requests really run concurrently."""
    async with http_client(create_app(settings)) as c:
        yield c


@pytest.mark.pg_only
@pytest.mark.parametrize("ref_type", ["voucher", "trip"])
async def test_concurrent_complaints_about_one_ref_leave_one_open(
    live, db, settings, ref_type
) -> None:
    """Filed at once about the same voucher or trip: one is filed, the others are 409."""
    alice = await citizen_with_voucher(live, db)
    if ref_type == "trip":
        ref_id = await add_trip(db, settings, alice["citizen_id"])
    else:
        ref_id = alice["voucher"]["voucher_id"]
    body = {"category": ref_type, "ref_type": ref_type, "ref_id": ref_id, "text": "not right"}
    answers = await asyncio.gather(
        *(live.post(ME, json=body, headers=alice["h"]) for _ in range(6))
    )
    assert sorted(a.status_code for a in answers) == [201] + [409] * 5, [a.text for a in answers]
    for a in answers[1:]:
        if a.status_code == 409:
            assert_problem(a, 409, "complaint_open_for_ref")
    assert len((await live.get(ME, headers=alice["h"])).json()["items"]) == 1


@pytest.mark.pg_only
async def test_concurrent_working_day_overrides_of_one_day(live, db) -> None:
    """The same day declared at once: every answer a 2xx or a 409, one override kept."""
    h = await staff(live, db, Role.ADMIN)
    answers = await asyncio.gather(
        *(
            live.put(f"{WD}/2026-05-09", json={"working": i % 2 == 0, "reason": f"r{i}"}, headers=h)
            for i in range(6)
        )
    )
    for a in answers:
        assert a.status_code in (200, 201) or assert_problem(a, 409), a.text
    r = await live.get(WD, params={"from": "2026-05-09", "to": "2026-05-09"}, headers=h)
    assert r.status_code == 200 and r.json()[0]["override"] is not None


@pytest.mark.pg_only
async def test_concurrent_attachments_stop_at_the_cap(live, db) -> None:
    h = bearer((await citizen_login(live))["access_token"])
    c = await _complaint(live, h)
    url = f"{ME}/{c['complaint_id']}/attachments"
    answers = await asyncio.gather(
        *(
            live.post(
                url, files={"file": (f"{i}.txt", f"note {i}".encode(), "text/plain")}, headers=h
            )
            for i in range(8)
        )
    )
    assert sorted(a.status_code for a in answers) == [201] * 5 + [409] * 3, [
        a.text for a in answers
    ]
    assert len((await live.get(f"{ME}/{c['complaint_id']}", headers=h)).json()["attachments"]) == 5


@pytest.mark.parametrize(
    "text", ["\u200b", "\u202e\u200b", "\u3000\u2060", "\ufeff", "\u2028"], ids=str.encode
)
async def test_text_of_only_invisible_characters_is_blank(client, db, text) -> None:
    """Zero-width, direction and line-separator marks make no complaint, answer or comment."""
    h = bearer((await citizen_login(client))["access_token"])
    r = await client.post(ME, json={"category": "other", "text": text}, headers=h)
    assert_problem(r, 422, "invalid_text")
    c = await _complaint(client, h)
    ops = await staff(client, db, Role.OPERATIONS)
    url = f"{ADMIN}/{c['complaint_id']}"
    assert_problem(
        await client.post(f"{url}/respond", json={"text": text}, headers=ops), 422, "invalid_text"
    )
    assert (await client.post(f"{url}/resolve", json={"text": "ok"}, headers=ops)).is_success
    rate = f"{ME}/{c['complaint_id']}/rating"
    r = await client.post(rate, json={"score": 3, "comment": text}, headers=h)
    assert_problem(r, 422, "invalid_comment")
    assert (await client.get(f"{ME}/{c['complaint_id']}", headers=h)).json()["rating"] is None


# -- invite codes -------------------------------------------------------------------------------
