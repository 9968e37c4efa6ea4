"""Submission opens an expert review with a drawn panel; staff register only after it passed
(the project gets its public code) or reject with reasons; staff see what waits, and how long."""

from __future__ import annotations

from sqlalchemy import select

from domain.identity.principal import Role
from domain.persistence.tables import AuditEntry, Review, ReviewSeat
from tests.api.test_projects import add_experts, draft, pass_review, registered, staff
from tests.helpers import assert_problem
from tests.registry_world import make_org, org_login


async def drafted(client, db, **over):
    org = await make_org(db, **over)
    h = (await org_login(client, db, org.id))["headers"]
    pid = (await client.post("/v1/org/projects", json=draft(), headers=h)).json()["project_id"]
    return org, h, pid


async def test_submit_opens_a_review_with_a_drawn_panel(client, db):
    org, h, pid = await drafted(client, db, name="Green Wheels Co")
    conflicted = {"name": "GREEN  wheels co", "uscc": "x"}
    experts = await add_experts(db, 4, affiliations=[conflicted])  # the first is affiliated
    r = await client.post(f"/v1/org/projects/{pid}/submit", headers=h)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "submitted" and body["review_id"] and body["submitted_at"]
    async with db.unit_of_work() as uow:
        s = uow.session  # type: ignore[attr-defined]
        review = (
            await s.execute(select(Review).where(Review.id == body["review_id"]))
        ).scalar_one()
        seats = (
            await s.execute(select(ReviewSeat.expert_id).where(ReviewSeat.review_id == review.id))
        ).scalars()
        assert review.subject_kind == "project" and review.subject_id == pid
        assert review.owner_org_id == org.id and review.status == "open"
        assert review.panel_size == 3 and sorted(review.candidates) == sorted(experts[1:])
        assert sorted(seats) == sorted(experts[1:])  # never the affiliated expert
    assert_problem(
        await client.post(f"/v1/org/projects/{pid}/submit", headers=h), 409, "not_a_draft"
    )


async def test_submit_without_enough_experts_changes_nothing(client, db):
    _, h, pid = await drafted(client, db)
    await add_experts(db, 2)
    r = await client.post(f"/v1/org/projects/{pid}/submit", headers=h)
    assert_problem(r, 409, "not_enough_experts")
    assert (await client.get(f"/v1/org/projects/{pid}", headers=h)).json()["status"] == "draft"


async def test_register_needs_a_passed_review(client, db):
    _, h, pid = await drafted(client, db)
    ops = await staff(client, db)
    path = f"/v1/admin/projects/{pid}/register"
    assert_problem(await client.post(path, headers=ops), 409, "not_submitted")
    await add_experts(db)
    await client.post(f"/v1/org/projects/{pid}/submit", headers=h)
    assert_problem(await client.post(path, headers=ops), 409, "review_required")
    await pass_review(db, pid, "rejected")
    assert_problem(await client.post(path, headers=ops), 409, "review_required")
    await pass_review(db, pid)
    r = await client.post(path, headers=ops)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "registered" and r.json()["code"] == "NJFC0001"
    assert_problem(await client.post(path, headers=ops), 409, "not_submitted")
    async with db.unit_of_work() as uow:
        stmt = select(AuditEntry.action).where(AuditEntry.target_id == pid)
        actions = set((await uow.session.execute(stmt)).scalars())  # type: ignore[attr-defined]
    assert {"project.draft", "project.submit", "project.register"} <= actions


async def test_codes_are_unique_and_public(client, db):
    ops = await staff(client, db)
    codes = []
    for i in range(2):
        org = await make_org(db)
        h = (await org_login(client, db, org.id))["headers"]
        codes.append((await registered(client, db, h, ops, title=f"T{i}"))["code"])
    assert codes == ["NJFC0001", "NJFC0002"]
    page = (await client.get("/v1/public/projects")).json()
    assert [p["code"] for p in page["items"]] == codes
    one = (await client.get("/v1/public/projects/NJFC0002")).json()
    assert one["title"] == "T1" and one["methodology"]["methodology_class"] == "I"
    assert one["methodology"]["code"] == "NJ-FC" and one["estimated_t_per_year"] == 1200
    assert one["organisation"].startswith("Org ") and one["district"] == "gulou"
    assert_problem(await client.get("/v1/public/projects/NJFC9999"), 404, "project_not_found")


async def test_drafts_are_not_public(client, db):
    await drafted(client, db)
    assert (await client.get("/v1/public/projects")).json()["items"] == []


async def test_reject_with_reasons(client, db):
    _, h, pid = await drafted(client, db)
    await add_experts(db)
    await client.post(f"/v1/org/projects/{pid}/submit", headers=h)
    ops = await staff(client, db)
    path = f"/v1/admin/projects/{pid}/reject"
    r = await client.post(path, json={"reasons": []}, headers=ops)
    assert_problem(r, 400, "validation_failed")
    r = await client.post(path, json={"reasons": ["  "]}, headers=ops)
    assert assert_problem(r, 422, "reasons_required")["field"] == "reasons"
    r = await client.post(path, json={"reasons": ["no baseline data", "区位不清"]}, headers=ops)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "rejected"
    mine = (await client.get(f"/v1/org/projects/{pid}", headers=h)).json()
    assert mine["reasons"] == ["no baseline data", "区位不清"]
    r = await client.post(f"/v1/admin/projects/{pid}/register", headers=ops)
    assert_problem(r, 409, "not_submitted")


async def test_staff_see_what_waits_oldest_first(client, db):
    await add_experts(db)
    ids = []
    for _ in range(3):
        _, h, pid = await drafted(client, db)
        await client.post(f"/v1/org/projects/{pid}/submit", headers=h)
        ids.append(pid)
    await drafted(client, db)  # a draft does not wait for staff
    auditor = await staff(client, db, Role.AUDITOR)
    page = (await client.get("/v1/admin/projects?status=submitted&limit=2", headers=auditor)).json()
    assert [w["project"]["project_id"] for w in page["items"]] == ids[:2]
    assert all(w["waiting_seconds"] >= 0 and w["waiting_since"] for w in page["items"])
    r = await client.get(
        f"/v1/admin/projects?status=submitted&cursor={page['next_cursor']}", headers=auditor
    )
    assert r.status_code == 200, r.text
    assert [w["project"]["project_id"] for w in r.json()["items"]] == ids[2:]
    assert_problem(
        await client.get("/v1/admin/projects?cursor=garbage", headers=auditor),
        422,
        "invalid_cursor",
    )
    assert_problem(
        await client.post(f"/v1/admin/projects/{ids[0]}/register", headers=auditor),
        403,
        "role_required",
    )
