"""Monitoring reports: on a registered project only, inside its crediting period, within one
calendar year, never overlapping another report of the project that was not rejected."""

from __future__ import annotations

import pytest

from domain.identity.principal import Role
from tests.api.test_projects import draft, registered, staff
from tests.helpers import assert_problem
from tests.registry_world import make_org, org_login


def period(start: str, end: str, claimed_t: int = 100, **over) -> dict:
    return {"period_start": start, "period_end": end, "claimed_t": claimed_t, "data": {}} | over


@pytest.fixture
async def project(client, db):
    org = await make_org(db)
    h = (await org_login(client, db, org.id))["headers"]
    ops = await staff(client, db)
    p = await registered(
        client, db, h, ops, crediting_period_start="2024-03-01", crediting_period_end="2026-06-30"
    )
    return h, ops, p["project_id"]


def reports_of(pid: str) -> str:
    return f"/v1/org/projects/{pid}/monitoring-reports"


async def test_file_a_report(client, db, project):
    h, _, pid = project
    data = {"km": 120000, "riders": 300}
    r = await client.post(
        reports_of(pid), json=period("2024-03-01", "2024-12-31", data=data), headers=h
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "submitted" and body["vintage"] == 2024 and body["claimed_t"] == 100
    assert body["data"] == data and body["verifier_org_id"] is None
    listed = (await client.get(reports_of(pid), headers=h)).json()
    assert [x["report_id"] for x in listed["items"]] == [body["report_id"]]


async def test_only_on_a_registered_project(client, db):
    org = await make_org(db)
    h = (await org_login(client, db, org.id))["headers"]
    pid = (await client.post("/v1/org/projects", json=draft(), headers=h)).json()["project_id"]
    r = await client.post(reports_of(pid), json=period("2024-01-01", "2024-06-30"), headers=h)
    assert_problem(r, 409, "project_not_registered")


@pytest.mark.parametrize(
    ("start", "end", "code", "field"),
    [
        ("2024-02-01", "2024-06-30", "period_outside_crediting", "period_start"),
        ("2026-01-01", "2026-07-01", "period_outside_crediting", "period_end"),
        ("2024-07-01", "2025-06-30", "period_spans_years", "period_end"),
        ("2024-07-01", "2024-06-30", "invalid_period", "period_end"),
    ],
)
async def test_period_rules(client, db, project, start, end, code, field):
    h, _, pid = project
    r = await client.post(reports_of(pid), json=period(start, end), headers=h)
    assert assert_problem(r, 422, code)["field"] == field


async def test_claims_are_positive_integers(client, db, project):
    h, _, pid = project
    for bad in (0, -5, 1.5):
        r = await client.post(
            reports_of(pid), json=period("2024-04-01", "2024-04-30", claimed_t=bad), headers=h
        )
        assert assert_problem(r, 400, "validation_failed")["errors"][0]["field"] == "claimed_t"


async def test_periods_do_not_overlap_unless_rejected(client, db, project):
    h, ops, pid = project
    first = await client.post(reports_of(pid), json=period("2024-03-01", "2024-06-30"), headers=h)
    assert first.status_code == 201
    r = await client.post(reports_of(pid), json=period("2024-06-30", "2024-09-30"), headers=h)
    body = assert_problem(r, 409, "period_overlaps")
    assert body["report_id"] == first.json()["report_id"]
    r = await client.post(reports_of(pid), json=period("2024-07-01", "2024-09-30"), headers=h)
    assert r.status_code == 201, r.text
    # once the verifier rejects the first report, its period may be filed again
    verifier = await make_org(db, kind="verifier")
    vh = (await org_login(client, db, verifier.id, Role.VERIFIER))["headers"]
    rid = first.json()["report_id"]
    await client.post(
        f"/v1/admin/monitoring-reports/{rid}/assign",
        json={"verifier_org_id": verifier.id},
        headers=ops,
    )
    r = await client.post(
        f"/v1/verifier/reports/{rid}/opinion",
        json={"decision": "rejected", "findings": "meter data missing"},
        headers=vh,
    )
    assert r.status_code == 200, r.text
    r = await client.post(reports_of(pid), json=period("2024-03-01", "2024-06-30"), headers=h)
    assert r.status_code == 201, r.text
