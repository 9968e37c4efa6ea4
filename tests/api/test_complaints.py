"""Complaints, the filer's rules: a category from the list, bounded text, a reference that is the
filer's own (404 otherwise, 409 when one is open about it already), attachments stored once by
SHA-256, the timeline, and a rating only after the resolution and only once."""

from __future__ import annotations

from domain.identity.principal import Role
from tests.complaints_world import (
    ADMIN,
    ME,
    add_trip,
    citizen_with_voucher,
    staff,
)
from tests.helpers import assert_problem, bearer, citizen_login


async def test_file_follow_and_rate(client, db, settings) -> None:
    alice = await citizen_with_voucher(client, db)
    h = alice["h"]
    trip_id = await add_trip(db, settings, alice["citizen_id"])
    r = await client.post(
        ME,
        json={"category": "trip", "ref_type": "trip", "ref_id": trip_id, "text": "行程被误拒"},
        headers=h,
    )
    assert r.status_code == 201, r.text
    c = r.json()
    assert (c["status"], c["category"], c["ref_id"]) == ("open", "trip", trip_id)
    assert c["response_due_at"] < c["resolution_due_at"]
    assert [s["step"] for s in c["steps"]] == ["filed"]

    # a second open complaint about the same trip: 409
    again = {"category": "trip", "ref_type": "trip", "ref_id": trip_id, "text": "again"}
    assert_problem(await client.post(ME, json=again, headers=h), 409, "complaint_open_for_ref")

    # rating before the resolution: 409
    rating = f"{ME}/{c['complaint_id']}/rating"
    assert_problem(await client.post(rating, json={"score": 5}, headers=h), 409, "not_resolved")

    ops = await staff(client, db, Role.OPERATIONS)
    url = f"{ADMIN}/{c['complaint_id']}"
    r = await client.post(f"{url}/respond", json={"text": "正在核实"}, headers=ops)
    assert r.status_code == 201, r.text
    r = await client.post(f"{url}/escalate", json={"reason": "internal: fraud team"}, headers=ops)
    assert r.status_code == 201, r.text
    r = await client.post(f"{url}/resolve", json={"text": "已补发积分"}, headers=ops)
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "resolved"
    # resolved: no further staff action
    assert_problem(
        await client.post(f"{url}/respond", json={"text": "x"}, headers=ops),
        409,
        "complaint_resolved",
    )

    mine = (await client.get(f"{ME}/{c['complaint_id']}", headers=h)).json()
    assert [s["step"] for s in mine["steps"]] == ["filed", "responded", "escalated", "resolved"]
    texts = {s["step"]: s["text"] for s in mine["steps"]}
    assert texts["responded"] == "正在核实" and texts["resolved"] == "已补发积分"
    assert texts["escalated"] is None  # the escalation's reason stays internal
    assert all(s.get("actor_id") is None for s in mine["steps"])  # staff ids are not shown

    # out of range, then once, then never again
    assert_problem(await client.post(rating, json={"score": 6}, headers=h), 400)
    r = await client.post(rating, json={"score": 4, "comment": "谢谢"}, headers=h)
    assert r.status_code == 201, r.text
    assert (r.json()["rating"], r.json()["steps"][-1]["step"]) == (4, "rated")
    assert_problem(await client.post(rating, json={"score": 5}, headers=h), 409, "already_rated")

    # the list shows it with its steps
    page = (await client.get(ME, headers=h)).json()
    assert [x["complaint_id"] for x in page["items"]] == [c["complaint_id"]]
    assert page["items"][0]["steps"][-1]["step"] == "rated"


async def test_reference_must_be_the_filers(client, db, settings) -> None:
    alice = await citizen_with_voucher(client, db)
    bob = await citizen_with_voucher(client, db)
    bobs_trip = await add_trip(db, settings, bob["citizen_id"])
    for ref_type, ref_id in (
        ("trip", bobs_trip),
        ("voucher", bob["voucher"]["voucher_id"]),
        ("trip", "NOSUCHTRIP"),
    ):
        body = {"category": "other", "ref_type": ref_type, "ref_id": ref_id, "text": "hm"}
        assert_problem(await client.post(ME, json=body, headers=alice["h"]), 404, "ref_not_found")
    # a citizen may not point at a redemption (a merchant's reference)
    body = {"category": "voucher", "ref_type": "redemption", "ref_id": "X1", "text": "hm"}
    assert_problem(await client.post(ME, json=body, headers=alice["h"]), 422, "invalid_ref_type")
    # half a reference
    body = {"category": "voucher", "ref_id": alice["voucher"]["voucher_id"], "text": "hm"}
    assert_problem(await client.post(ME, json=body, headers=alice["h"]), 422, "incomplete_ref")
    # her own voucher is fine
    body["ref_type"] = "voucher"
    r = await client.post(ME, json=body, headers=alice["h"])
    assert r.status_code == 201, r.text
    # and bob cannot see her complaint
    assert_problem(
        await client.get(f"{ME}/{r.json()['complaint_id']}", headers=bob["h"]),
        404,
        "complaint_not_found",
    )


async def test_category_and_text_bounds(client, db) -> None:
    h = bearer((await citizen_login(client))["access_token"])
    bad = {"category": "weather", "text": "rain"}
    assert_problem(await client.post(ME, json=bad, headers=h), 422, "invalid_category")
    assert_problem(await client.post(ME, json={"category": "other", "text": ""}, headers=h), 400)
    spaces = {"category": "other", "text": "   "}
    assert_problem(await client.post(ME, json=spaces, headers=h), 422, "invalid_text")
    long = {"category": "other", "text": "长" * 2001}
    assert_problem(await client.post(ME, json=long, headers=h), 400)
    extra = {"category": "other", "text": "ok", "status": "resolved"}
    assert_problem(await client.post(ME, json=extra, headers=h), 400)
    r = await client.post(ME, json={"category": "privacy", "text": "长" * 2000}, headers=h)
    assert r.status_code == 201, r.text


async def test_attachments_stored_once_by_sha256(client, db) -> None:
    h = bearer((await citizen_login(client))["access_token"])
    c = (await client.post(ME, json={"category": "other", "text": "see file"}, headers=h)).json()
    url = f"{ME}/{c['complaint_id']}/attachments"
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    r = await client.post(url, files={"file": ("shot.png", png, "image/png")}, headers=h)
    assert r.status_code == 201, r.text
    first = r.json()
    r = await client.post(url, files={"file": ("again.png", png, "image/png")}, headers=h)
    assert r.json()["sha256"] == first["sha256"]
    bad = await client.post(url, files={"file": ("x.png", b"not a png", "image/png")}, headers=h)
    assert_problem(bad, 422, "file_type_mismatch")
    got = await client.get(f"{url}/{first['attachment_id']}", headers=h)
    assert got.status_code == 200 and got.content == png
    detail = (await client.get(f"{ME}/{c['complaint_id']}", headers=h)).json()
    assert [a["name"] for a in detail["attachments"]] == ["shot.png", "again.png"]
    # another citizen cannot read it
    other = bearer((await citizen_login(client))["access_token"])
    assert_problem(await client.get(f"{url}/{first['attachment_id']}", headers=other), 404)
