"""Donations to public-welfare projects, and four-eyes manual adjustments."""

from __future__ import annotations

import uuid

from domain.identity.principal import Role
from tests.economy import balance, give_points
from tests.helpers import assert_problem, bearer, citizen_login, staff_login


async def _donate(client, citizen, project_id, units, key=None):
    return await client.post(
        "/v1/me/donations",
        json={"project_id": project_id, "units": units},
        headers={**bearer(citizen["access_token"]), "Idempotency-Key": key or uuid.uuid4().hex},
    )


async def test_citizens_donate_points_and_totals_are_public(client, db):
    admin = bearer((await staff_login(client, db, Role.OPERATIONS))["access_token"])
    r = await client.post(
        "/v1/admin/donation-projects",
        json={"name": "Zijin Mountain trees", "unit_name": "tree", "points_per_unit": 300},
        headers=admin,
    )
    assert r.status_code == 201, r.text
    project = r.json()["project_id"]
    citizen = await citizen_login(client)
    await give_points(db, citizen["citizen_id"], 1000)
    key = uuid.uuid4().hex
    first = await _donate(client, citizen, project, 2, key)
    assert first.status_code == 201 and first.json()["points"] == 600
    assert (await _donate(client, citizen, project, 2, key)).json() == first.json()  # replay
    assert await balance(client, citizen) == 400
    assert_problem(await _donate(client, citizen, project, 2), 409, "insufficient_points")
    assert_problem(await _donate(client, citizen, project, 0), 400)
    public = (await client.get("/v1/donation-projects")).json()
    [row] = [p for p in public if p["project_id"] == project]
    assert (row["donations"], row["units"], row["points"]) == (1, 2, 600)
    mine = (await client.get("/v1/me/donations", headers=bearer(citizen["access_token"]))).json()
    assert [d["units"] for d in mine["items"]] == [2]
    ledger = (await client.get("/v1/me/ledger", headers=bearer(citizen["access_token"]))).json()
    assert ledger["items"][0]["kind"] == "donate" and ledger["items"][0]["points"] == -600

    closed = await client.post(
        f"/v1/admin/donation-projects/{project}", json={"active": False}, headers=admin
    )
    assert closed.status_code == 200 and closed.json()["active"] is False
    assert_problem(await _donate(client, citizen, project, 1), 410, "project_closed")


async def test_an_adjustment_needs_a_second_staff_member_and_never_goes_negative(client, db):
    first = bearer((await staff_login(client, db, Role.OPERATIONS))["access_token"])
    second = bearer((await staff_login(client, db, Role.ADMIN))["access_token"])
    citizen = await citizen_login(client)

    r = await client.post(
        "/v1/admin/adjustments",
        json={"citizen_id": citizen["citizen_id"], "points": 250, "reason": "lost trip"},
        headers=first,
    )
    assert r.status_code == 201 and r.json()["status"] == "proposed"
    aid = r.json()["adjustment_id"]
    assert_problem(
        await client.post(f"/v1/admin/adjustments/{aid}/approve", headers=first), 409, "four_eyes"
    )
    assert await balance(client, citizen) == 0
    ok = await client.post(f"/v1/admin/adjustments/{aid}/approve", headers=second)
    assert ok.status_code == 200 and ok.json()["status"] == "approved" and ok.json()["posting_id"]
    assert await balance(client, citizen) == 250
    twice = await client.post(f"/v1/admin/adjustments/{aid}/approve", headers=second)
    assert_problem(twice, 409, "already_decided")

    too_much = await client.post(
        "/v1/admin/adjustments",
        json={"citizen_id": citizen["citizen_id"], "points": -300, "reason": "duplicate"},
        headers=first,
    )
    bad = too_much.json()["adjustment_id"]
    assert_problem(
        await client.post(f"/v1/admin/adjustments/{bad}/approve", headers=second),
        409,
        "insufficient_points",
    )
    assert await balance(client, citizen) == 250
    still = (await client.get("/v1/admin/adjustments?status=proposed", headers=first)).json()
    assert [a["adjustment_id"] for a in still["items"]] == [bad]
    rejected = await client.post(f"/v1/admin/adjustments/{bad}/reject", headers=second)
    assert rejected.json()["status"] == "rejected"

    auditor = bearer((await staff_login(client, db, Role.AUDITOR))["access_token"])
    actions = [
        a["action"] for a in (await client.get("/v1/admin/audit", headers=auditor)).json()["items"]
    ]
    assert {"adjustment.propose", "adjustment.approve", "adjustment.reject"} <= set(actions)
    assert_problem(
        await client.post(
            "/v1/admin/adjustments",
            json={"citizen_id": citizen["citizen_id"], "points": 5, "reason": "x"},
            headers=auditor,
        ),
        403,
    )
    ledger = (await client.get("/v1/me/ledger", headers=bearer(citizen["access_token"]))).json()
    assert [(e["kind"], e["points"]) for e in ledger["items"]] == [("adjust", 250)]
