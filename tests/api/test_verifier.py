"""Verification: staff assign a report to an active verifier organisation that does not own the
project; only that verifier's members see it and file one opinion, never above the claim."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from domain.identity.principal import Role
from domain.persistence.tables import AuditEntry, Organisation
from tests.api.test_monitoring import period, reports_of
from tests.api.test_projects import registered, staff
from tests.helpers import assert_problem
from tests.registry_world import make_org, org_login


@pytest.fixture
async def world(client, db):
    owner = await make_org(db)
    h = (await org_login(client, db, owner.id))["headers"]
    ops = await staff(client, db)
    pid = (await registered(client, db, h, ops))["project_id"]
    r = await client.post(reports_of(pid), json=period("2024-01-01", "2024-12-31", 500), headers=h)
    verifier = await make_org(db, kind="verifier")
    vh = (await org_login(client, db, verifier.id, Role.VERIFIER))["headers"]
    return {
        "owner": owner,
        "h": h,
        "ops": ops,
        "rid": r.json()["report_id"],
        "v": verifier,
        "vh": vh,
    }


def assign(client, w, verifier_org_id):
    return client.post(
        f"/v1/admin/monitoring-reports/{w['rid']}/assign",
        json={"verifier_org_id": verifier_org_id},
        headers=w["ops"],
    )


def opinion(client, w, headers=None, **body):
    return client.post(
        f"/v1/verifier/reports/{w['rid']}/opinion", json=body, headers=headers or w["vh"]
    )


async def test_assign_and_verify(client, db, world):
    w = world
    r = await assign(client, w, w["v"].id)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "assigned" and r.json()["verifier_org_id"] == w["v"].id
    mine = (await client.get("/v1/verifier/reports", headers=w["vh"])).json()["items"]
    assert [x["report_id"] for x in mine] == [w["rid"]]
    one = (await client.get(f"/v1/verifier/reports/{w['rid']}", headers=w["vh"])).json()
    assert one["project"]["methodology_code"] == "NJ-FC" and one["project"]["title"]  # what
    assert one["project"]["code"].startswith("NJFC")  # the verifier checks the claim against
    r = await opinion(client, w, decision="verified", verified_t=480, findings="meters checked")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "verified" and body["verified_t"] == 480 and body["vintage"] == 2024
    async with db.unit_of_work() as uow:
        stmt = select(AuditEntry.action).where(AuditEntry.target_id == w["rid"])
        actions = set((await uow.session.execute(stmt)).scalars())  # type: ignore[attr-defined]
    assert {"report.file", "report.assign", "report.verified"} <= actions
    # once only
    r = await opinion(client, w, decision="rejected", findings="changed my mind")
    assert_problem(r, 409, "already_decided")
    assert_problem(await assign(client, w, w["v"].id), 409, "already_decided")


async def test_never_more_than_claimed(client, db, world):
    w = world
    await assign(client, w, w["v"].id)
    r = await opinion(client, w, decision="verified", verified_t=501, findings="x")
    assert assert_problem(r, 422, "verified_exceeds_claimed")["field"] == "verified_t"
    r = await opinion(client, w, decision="verified", findings="x")
    assert assert_problem(r, 422, "verified_t_required")["field"] == "verified_t"
    r = await opinion(client, w, decision="rejected", verified_t=3, findings="x")
    assert assert_problem(r, 422, "verified_t_on_rejection")["field"] == "verified_t"
    r = await opinion(client, w, decision="maybe", findings="x")
    assert assert_problem(r, 400, "validation_failed")["errors"][0]["field"] == "decision"
    r = await opinion(client, w, decision="verified", verified_t=500, findings="x")
    assert r.status_code == 200 and r.json()["verified_t"] == 500


async def test_only_the_assigned_verifier(client, db, world):
    w = world
    other = await make_org(db, kind="verifier")
    oh = (await org_login(client, db, other.id, Role.VERIFIER))["headers"]
    r = await opinion(client, w, oh, decision="verified", verified_t=1, findings="x")
    assert_problem(r, 404, "report_not_found")  # not yet assigned to anyone
    await assign(client, w, w["v"].id)
    r = await opinion(client, w, oh, decision="verified", verified_t=1, findings="x")
    assert_problem(r, 404, "report_not_found")
    assert_problem(
        await client.get(f"/v1/verifier/reports/{w['rid']}", headers=oh), 404, "report_not_found"
    )
    assert (await client.get("/v1/verifier/reports", headers=oh)).json()["items"] == []
    r = await opinion(client, w, w["h"], decision="verified", verified_t=1, findings="x")
    assert_problem(r, 403, "role_required")  # the owner is no verifier


async def test_assignment_rules(client, db, world):
    w = world
    r = await assign(client, w, w["owner"].id)
    assert assert_problem(r, 422, "not_a_verifier")["field"] == "verifier_org_id"
    assert_problem(await assign(client, w, "01ARZ3NDEKTSV4RRFFQ69G5FAV"), 404, "verifier_not_found")
    async with db.unit_of_work() as uow:
        await uow.session.execute(  # type: ignore[attr-defined]
            update(Organisation).where(Organisation.id == w["v"].id).values(status="suspended")
        )
    assert_problem(await assign(client, w, w["v"].id), 409, "verifier_inactive")
    r = await client.post(
        "/v1/admin/monitoring-reports/01ARZ3NDEKTSV4RRFFQ69G5FAV/assign",
        json={"verifier_org_id": w["v"].id},
        headers=w["ops"],
    )
    assert_problem(r, 404, "report_not_found")
    r = await client.post(
        f"/v1/admin/monitoring-reports/{w['rid']}/assign",
        json={"verifier_org_id": w["v"].id},
        headers=w["h"],
    )
    assert_problem(r, 403, "role_required")


async def test_a_verifier_never_verifies_its_own_project(client, db):
    owner = await make_org(db, kind="verifier")
    h = (await org_login(client, db, owner.id))["headers"]
    ops = await staff(client, db)
    pid = (await registered(client, db, h, ops))["project_id"]
    r = await client.post(reports_of(pid), json=period("2024-01-01", "2024-12-31"), headers=h)
    r = await client.post(
        f"/v1/admin/monitoring-reports/{r.json()['report_id']}/assign",
        json={"verifier_org_id": owner.id},
        headers=ops,
    )
    assert_problem(r, 409, "verifier_is_owner")


async def test_staff_list_reports_by_status(client, db, world):
    w = world
    auditor = await staff(client, db, Role.AUDITOR)
    page = (
        await client.get("/v1/admin/monitoring-reports?status=submitted", headers=auditor)
    ).json()
    assert [x["report_id"] for x in page["items"]] == [w["rid"]]
    await assign(client, w, w["v"].id)
    page = (
        await client.get("/v1/admin/monitoring-reports?status=submitted", headers=auditor)
    ).json()
    assert page["items"] == []
