"""Complaints, the staff's side: roles (auditors read only), assign/respond/resolve/escalate
audited, a resolution linking an adjustment only of the filer, SLA due times in working days
(holidays skipped, staff-added days honoured, moved on a change), breaches listed and counted on
the dashboard, the merchant's flow, and erasure blanking an erased citizen's words."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from api import cursors
from domain.clock import SHANGHAI, shanghai_date, utcnow
from domain.governance import complaints, working_days
from domain.identity.principal import Role
from domain.persistence.tables import AuditEntry, Complaint, ComplaintStep
from tests.complaints_world import (
    ADMIN,
    ME,
    MERCHANT,
    add_trip,
    backdate,
    citizen_with_voucher,
    staff,
)
from tests.economy import cashier, scan
from tests.helpers import assert_problem, bearer, citizen_login, make_staff


async def _file(client, h, text="积分没到账", **extra) -> dict:
    r = await client.post(ME, json={"category": "points", "text": text, **extra}, headers=h)
    assert r.status_code == 201, r.text
    return r.json()


async def test_roles_assign_and_audit(client, db) -> None:
    h = bearer((await citizen_login(client))["access_token"])
    c = await _file(client, h)
    url = f"{ADMIN}/{c['complaint_id']}"
    auditor = await staff(client, db, Role.AUDITOR)
    ops = await staff(client, db, Role.OPERATIONS)
    # auditors read, never write; citizens never reach the admin API
    assert (await client.get(ADMIN, headers=auditor)).status_code == 200
    assert (await client.get(url, headers=auditor)).status_code == 200
    for action, body in (
        ("assign", {"staff_id": "X"}),
        ("respond", {"text": "x"}),
        ("resolve", {"text": "x"}),
        ("escalate", {"reason": "x"}),
    ):
        assert_problem(
            await client.post(f"{url}/{action}", json=body, headers=auditor), 403, "role_required"
        )
    assert_problem(await client.get(ADMIN, headers=h), 403)

    handler = await make_staff(db, "handler-1", Role.OPERATIONS)
    watcher = await make_staff(db, "watcher-1", Role.AUDITOR)
    r = await client.post(f"{url}/assign", json={"staff_id": handler}, headers=ops)
    assert r.status_code == 201, r.text
    assert (r.json()["status"], r.json()["assignee_id"]) == ("assigned", handler)
    assert_problem(
        await client.post(f"{url}/assign", json={"staff_id": watcher}, headers=ops),
        409,
        "staff_cannot_handle",
    )
    assert_problem(
        await client.post(f"{url}/assign", json={"staff_id": "NOBODY"}, headers=ops),
        404,
        "staff_not_found",
    )
    mine = (await client.get(f"{ADMIN}?assignee={handler}", headers=ops)).json()["items"]
    assert [x["complaint_id"] for x in mine] == [c["complaint_id"]]
    async with db.unit_of_work() as uow:
        actions = (
            await uow.session.execute(
                select(AuditEntry.action).where(AuditEntry.target_id == c["complaint_id"])
            )
        ).scalars()
        assert list(actions) == ["complaint.assigned"]


async def test_resolution_links_only_an_adjustment_of_the_filer(client, db) -> None:
    alice = await citizen_login(client)
    bob = await citizen_login(client)
    h = bearer(alice["access_token"])
    c = await _file(client, h)
    ops = await staff(client, db, Role.OPERATIONS)

    async def propose(citizen_id: str) -> str:
        r = await client.post(
            "/v1/admin/adjustments",
            json={"citizen_id": citizen_id, "points": 120, "reason": "trip wrongly rejected"},
            headers=ops,
        )
        assert r.status_code == 201, r.text
        return r.json()["adjustment_id"]

    bobs = await propose(bob["citizen_id"])
    url = f"{ADMIN}/{c['complaint_id']}/resolve"
    body = {"text": "已补发", "adjustment_id": bobs}
    assert_problem(await client.post(url, json=body, headers=ops), 409, "adjustment_not_of_filer")
    body["adjustment_id"] = "NOSUCH"
    assert_problem(await client.post(url, json=body, headers=ops), 404, "adjustment_not_found")
    body["adjustment_id"] = await propose(alice["citizen_id"])
    r = await client.post(url, json=body, headers=ops)
    assert r.status_code == 201, r.text
    assert r.json()["adjustment_id"] == body["adjustment_id"]
    mine = (await client.get(f"{ME}/{c['complaint_id']}", headers=h)).json()
    assert mine["adjustment_id"] == body["adjustment_id"] and mine["status"] == "resolved"


async def test_due_times_skip_non_working_days_and_follow_overrides(client, db) -> None:
    h = bearer((await citizen_login(client))["access_token"])
    now = utcnow()
    c = await _file(client, h)
    # end of the next working day (Shanghai), counted by the official calendar
    assert c["response_due_at"][:19] == working_days.due_at(now, 1, {}).isoformat()[:19]
    assert c["resolution_due_at"][:19] == working_days.due_at(now, 5, {}).isoformat()[:19]

    # staff declare the next official working day a holiday: the open clock moves one day on
    ops = await staff(client, db, Role.OPERATIONS)
    first = working_days.nth_working_day_after(shanghai_date(now), 1, {})
    r = await client.put(
        f"/v1/admin/working-days/{first}",
        json={"working": False, "reason": "城市运动会"},
        headers=ops,
    )
    assert r.status_code == 200, r.text
    moved = (await client.get(f"{ADMIN}/{c['complaint_id']}", headers=ops)).json()
    expect = working_days.due_at(now, 1, {first: False})
    assert moved["response_due_at"][:19] == expect.isoformat()[:19]
    assert expect > working_days.due_at(now, 1, {})
    # a complaint filed now gets the same, and the calendar shows the override
    later = await _file(client, h, text="second")
    assert later["response_due_at"][:19] == expect.isoformat()[:19]
    days = (await client.get(f"/v1/admin/working-days?from={first}&to={first}", headers=ops)).json()
    assert days[0]["working"] is False and days[0]["override"]["reason"] == "城市运动会"
    # back to the official calendar
    assert (await client.delete(f"/v1/admin/working-days/{first}", headers=ops)).status_code == 204
    back = (await client.get(f"{ADMIN}/{c['complaint_id']}", headers=ops)).json()
    assert back["response_due_at"][:19] == working_days.due_at(now, 1, {}).isoformat()[:19]
    auditor = await staff(client, db, Role.AUDITOR)
    assert_problem(
        await client.put(
            f"/v1/admin/working-days/{first}",
            json={"working": True, "reason": "x"},
            headers=auditor,
        ),
        403,
    )
    async with db.unit_of_work() as uow:
        actions = (
            await uow.session.execute(
                select(AuditEntry.action).where(AuditEntry.target_type == "working_day")
            )
        ).scalars()
        assert sorted(actions) == ["working_day.put", "working_day.remove"]


async def test_golden_week_complaint_due_after_the_holiday(client, db) -> None:
    """A complaint filed (back-dated) on 30 Sept 2026: the clocks skip 1..7 October, as the
    calendar endpoint shows and the stored due instants agree."""
    ops = await staff(client, db, Role.OPERATIONS)
    week = (
        await client.get("/v1/admin/working-days?from=2026-09-30&to=2026-10-10", headers=ops)
    ).json()
    assert [d["day"] for d in week if d["working"]] == [
        "2026-09-30",
        "2026-10-08",
        "2026-10-09",
        "2026-10-10",
    ]
    assert week[-1]["official"] is True  # Saturday 10 Oct, a make-up working day
    citizen = await citizen_login(client)
    filed = datetime(2026, 9, 30, 15, 0, tzinfo=SHANGHAI)
    async with db.unit_of_work() as uow:
        c = await complaints.file(
            uow,
            complaints.Filer("citizen", citizen["citizen_id"], citizen["citizen_id"]),
            category="other",
            ref_type=None,
            ref_id=None,
            text="filed before the holiday",
            days=complaints.SlaDays(1, 5),
            now=filed,
        )
    shown = (await client.get(f"{ADMIN}/{c.id}", headers=ops)).json()
    # end of Thursday 8 Oct and of Tuesday 13 Oct (8, 9, 10, 12, 13), midnight in Shanghai
    assert shown["response_due_at"][:19] == "2026-10-08T16:00:00"
    assert shown["resolution_due_at"][:19] == "2026-10-13T16:00:00"
    assert shown["sla_state"] == "breached"  # long past, never answered


async def test_breaches_listed_and_counted(client, db) -> None:
    h = bearer((await citizen_login(client))["access_token"])
    ops = await staff(client, db, Role.OPERATIONS)
    late = await _file(client, h, text="late one")
    fine = await _file(client, h, text="fine one")
    past = utcnow() - timedelta(hours=1)
    await backdate(db, late["complaint_id"], response_due_at=past)

    listed = (await client.get(f"{ADMIN}?breached=true", headers=ops)).json()["items"]
    assert [(x["complaint_id"], x["sla_state"]) for x in listed] == [
        (late["complaint_id"], "breached")
    ]
    others = (await client.get(f"{ADMIN}?breached=false", headers=ops)).json()["items"]
    assert [x["complaint_id"] for x in others] == [fine["complaint_id"]]
    assert others[0]["sla_state"] in ("on_time", "due_soon")
    board = (await client.get("/v1/admin/dashboard", headers=ops)).json()
    assert (board["complaints_open"], board["complaints_breached"]) == (2, 1)

    # answering late stops the clock but the breach stays on record; resolved leaves "open"
    url = f"{ADMIN}/{late['complaint_id']}"
    await client.post(f"{url}/resolve", json={"text": "sorry"}, headers=ops)
    listed = (await client.get(f"{ADMIN}?breached=true", headers=ops)).json()["items"]
    assert [x["complaint_id"] for x in listed] == [late["complaint_id"]]
    board = (await client.get("/v1/admin/dashboard", headers=ops)).json()
    assert (board["complaints_open"], board["complaints_breached"]) == (1, 0)


async def test_queue_filters_and_pages(client, db) -> None:
    h = bearer((await citizen_login(client))["access_token"])
    ops = await staff(client, db, Role.OPERATIONS)
    ids = [(await _file(client, h, text=f"n{i}"))["complaint_id"] for i in range(3)]
    await client.post(ME, json={"category": "privacy", "text": "privacy one"}, headers=h)
    page = (await client.get(f"{ADMIN}?category=points&limit=2", headers=ops)).json()
    assert [x["complaint_id"] for x in page["items"]] == ids[:2] and page["next_cursor"]
    rest = (
        await client.get(
            f"{ADMIN}?category=points&limit=2&cursor={page['next_cursor']}", headers=ops
        )
    ).json()
    assert [x["complaint_id"] for x in rest["items"]] == ids[2:] and rest["next_cursor"] is None
    await client.post(f"{ADMIN}/{ids[0]}/escalate", json={"reason": "x"}, headers=ops)
    esc = (await client.get(f"{ADMIN}?status=escalated", headers=ops)).json()["items"]
    assert [x["complaint_id"] for x in esc] == [ids[0]]
    assert_problem(await client.get(f"{ADMIN}?status=lost", headers=ops), 400)
    assert_problem(await client.get(f"{ADMIN}?cursor=bm90IG91cnM", headers=ops), 422)
    ghost = cursors.encode("NOSUCH")
    assert_problem(await client.get(f"{ADMIN}?cursor={ghost}", headers=ops), 422)


async def test_merchant_complaint_about_a_redemption(client, db) -> None:
    alice = await citizen_with_voucher(client, db)
    till = await cashier(client, db, alice["merchant_id"])
    r = await scan(client, till, token=alice["voucher"]["token"])
    assert r.status_code == 200, r.text
    mh = bearer(till["access_token"])
    voucher_id = alice["voucher"]["voucher_id"]
    body = {
        "category": "voucher",
        "ref_type": "redemption",
        "ref_id": voucher_id,
        "text": "券有争议",
    }
    r = await client.post(MERCHANT, json=body, headers=mh)
    assert r.status_code == 201, r.text
    c = r.json()
    # another merchant's redemption is not theirs; a citizen's reference kind is refused
    other = await citizen_with_voucher(client, db)
    body2 = {**body, "ref_id": other["voucher"]["voucher_id"]}
    assert_problem(await client.post(MERCHANT, json=body2, headers=mh), 404, "ref_not_found")
    body3 = {**body, "ref_type": "trip"}
    assert_problem(await client.post(MERCHANT, json=body3, headers=mh), 422, "invalid_ref_type")
    # an unredeemed voucher of the merchant: 409
    other_till = await cashier(client, db, other["merchant_id"])
    body4 = {**body, "ref_id": other["voucher"]["voucher_id"]}
    assert_problem(
        await client.post(MERCHANT, json=body4, headers=bearer(other_till["access_token"])),
        409,
        "not_redeemed",
    )
    # staff answer; the merchant sees it; citizens never see merchants' complaints
    ops = await staff(client, db, Role.OPERATIONS)
    url = f"{ADMIN}/{c['complaint_id']}"
    assert (await client.get(url, headers=ops)).json()["filer_type"] == "merchant"
    # an adjustment is a citizen's: never linked to a merchant's complaint
    r = await client.post(
        "/v1/admin/adjustments",
        json={"citizen_id": alice["citizen_id"], "points": 10, "reason": "x"},
        headers=ops,
    )
    resolve = {"text": "已处理", "adjustment_id": r.json()["adjustment_id"]}
    assert_problem(
        await client.post(f"{url}/resolve", json=resolve, headers=ops),
        409,
        "adjustment_not_of_filer",
    )
    r = await client.post(f"{url}/resolve", json={"text": "已处理"}, headers=ops)
    assert r.status_code == 201, r.text
    mine = (await client.get(f"{MERCHANT}/{c['complaint_id']}", headers=mh)).json()
    assert mine["resolution"] == "已处理"
    r = await client.post(f"{MERCHANT}/{c['complaint_id']}/rating", json={"score": 3}, headers=mh)
    assert r.status_code == 201, r.text
    assert_problem(await client.get(f"{ME}/{c['complaint_id']}", headers=alice["h"]), 404)
    assert_problem(await client.get(MERCHANT, headers=alice["h"]), 403)


async def test_erasure_blanks_the_citizens_words(client, db, settings) -> None:
    alice = await citizen_with_voucher(client, db)
    trip_id = await add_trip(db, settings, alice["citizen_id"])
    c = await _file(client, alice["h"], text="我住在某某小区", ref_type="trip", ref_id=trip_id)
    png = b"\x89PNG\r\n\x1a\n" + b"\x01" * 8
    await client.post(
        f"{ME}/{c['complaint_id']}/attachments",
        files={"file": ("me.png", png, "image/png")},
        headers=alice["h"],
    )
    ops = await staff(client, db, Role.OPERATIONS)
    await client.post(f"{ADMIN}/{c['complaint_id']}/respond", json={"text": "收到"}, headers=ops)
    assert (await client.delete("/v1/me", headers=alice["h"])).status_code == 204
    shown = (await client.get(f"{ADMIN}/{c['complaint_id']}", headers=ops)).json()
    assert shown["text"] == "" and shown["attachments"] == []
    assert [s["step"] for s in shown["steps"]] == ["filed", "attached", "responded"]
    async with db.unit_of_work() as uow:
        texts = (
            await uow.session.execute(
                select(ComplaintStep.text).where(ComplaintStep.complaint_id == c["complaint_id"])
            )
        ).scalars()
        assert list(texts) == [None, None, "收到"]
        row = await uow.session.get(Complaint, c["complaint_id"])
        assert row is not None and row.text == ""
