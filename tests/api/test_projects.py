"""Project drafts through HTTP: created under the methodology in force, edited while a draft,
scoped by the caller's organisation. Also the arrangements other project tests share."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select, update

from domain.clock import utcnow
from domain.identity.principal import Role
from domain.ids import new_id
from domain.persistence.tables import AuditEntry, Expert, MethodologyVersion, Review
from domain.persistence.uow import Database
from tests.helpers import assert_problem, bearer, staff_login
from tests.registry_world import make_org, org_login

NJFC = "00000000000000000000NJFC01"  # the demo project methodology


def draft(**over: Any) -> dict[str, Any]:
    body = {
        "title": "Gulou e-bike commuting",
        "methodology_code": "NJ-FC",
        "district": "gulou",
        "location": {"address": "1 Zhongshan Rd", "lat": 32.06, "lon": 118.78},
        "crediting_period_start": "2024-01-01",
        "crediting_period_end": "2030-12-31",
        "estimated_t_per_year": 1200,
        "description": "Commuters switch from cars to e-bikes.",
        "documents": [],
    }
    body.update(over)
    return body


async def add_experts(db: Database, n: int = 3, affiliations=()) -> list[str]:
    ids = []
    async with db.unit_of_work() as uow:
        for i in range(n):
            expert = Expert(
                id=new_id(),
                name=f"Expert {uuid.uuid4().hex[:6]}",
                fields=["transport"],
                affiliations=list(affiliations) if i == 0 else [],
                active=True,
                created_at=utcnow(),
            )
            uow.experts.add(expert)
            ids.append(expert.id)
    return ids


async def pass_review(db: Database, project_id: str, status: str = "passed") -> None:
    """The panel's outcome, arranged directly (the vote itself is the experts' module's)."""
    async with db.unit_of_work() as uow:
        await uow.session.execute(  # type: ignore[attr-defined]
            update(Review).where(Review.subject_id == project_id).values(status=status)
        )


async def staff(client, db, role: Role = Role.OPERATIONS) -> dict[str, str]:
    return bearer((await staff_login(client, db, role))["access_token"])


async def registered(client, db, org_headers, admin_headers, **over) -> dict[str, Any]:
    """A project drafted, submitted, reviewed (passed) and registered."""
    await add_experts(db)
    r = await client.post("/v1/org/projects", json=draft(**over), headers=org_headers)
    assert r.status_code == 201, r.text
    pid = r.json()["project_id"]
    r = await client.post(f"/v1/org/projects/{pid}/submit", headers=org_headers)
    assert r.status_code == 200, r.text
    await pass_review(db, pid)
    r = await client.post(f"/v1/admin/projects/{pid}/register", headers=admin_headers)
    assert r.status_code == 200, r.text
    return r.json()


async def test_draft_under_the_methodology_in_force(client, db):
    org = await make_org(db)
    member = await org_login(client, db, org.id)
    r = await client.post("/v1/org/projects", json=draft(), headers=member["headers"])
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "draft" and body["org_id"] == org.id and body["code"] is None
    assert body["methodology_id"] == NJFC and body["methodology_code"] == "NJ-FC"
    assert body["estimated_t_per_year"] == 1200 and body["location"]["address"] == "1 Zhongshan Rd"
    async with db.unit_of_work() as uow:
        actions = (
            await uow.session.execute(  # type: ignore[attr-defined]
                select(AuditEntry.action).where(AuditEntry.target_id == body["project_id"])
            )
        ).scalars()
        assert list(actions) == ["project.draft"]


async def test_unknown_or_unpublished_methodology(client, db):
    org = await make_org(db)
    member = await org_login(client, db, org.id)
    r = await client.post(
        "/v1/org/projects", json=draft(methodology_code="NJ-XX"), headers=member["headers"]
    )
    assert assert_problem(r, 404, "methodology_not_found")["field"] == "methodology_code"
    async with db.unit_of_work() as uow:
        await uow.session.execute(  # type: ignore[attr-defined]
            update(MethodologyVersion)
            .where(MethodologyVersion.id == NJFC)
            .values(status="retired", effective_until=utcnow())
        )
    r = await client.post("/v1/org/projects", json=draft(), headers=member["headers"])
    assert_problem(r, 409, "methodology_not_in_force")


async def test_projects_need_a_project_methodology_and_its_crediting_limit(client, db):
    member = await org_login(client, db, (await make_org(db)).id)
    h = member["headers"]
    r = await client.post("/v1/org/projects", json=draft(methodology_code="NJ-GT"), headers=h)
    body = assert_problem(r, 409, "not_a_project_methodology")  # travel: citizens' crediting
    assert body["field"] == "methodology_code"
    thirty = draft(crediting_period_start="2020-01-01", crediting_period_end="2049-12-31")
    assert (await client.post("/v1/org/projects", json=thirty, headers=h)).status_code == 201
    longer = draft(crediting_period_start="2020-01-01", crediting_period_end="2050-01-01")
    r = await client.post("/v1/org/projects", json=longer, headers=h)  # NJ-FC allows 30 years
    assert assert_problem(r, 422, "crediting_period_too_long")["field"] == "crediting_period_end"
    project_id = (await client.post("/v1/org/projects", json=draft(), headers=h)).json()[
        "project_id"
    ]
    r = await client.patch(
        f"/v1/org/projects/{project_id}", json={"crediting_period_end": "2099-12-31"}, headers=h
    )
    assert_problem(r, 422, "crediting_period_too_long")  # edits are held to it too


async def test_bad_fields_are_named(client, db):
    org = await make_org(db)
    member = await org_login(client, db, org.id)
    r = await client.post(
        "/v1/org/projects", json=draft(district="atlantis"), headers=member["headers"]
    )
    assert assert_problem(r, 422, "invalid_district")["field"] == "district"
    r = await client.post(
        "/v1/org/projects",
        json=draft(crediting_period_start="2025-01-01", crediting_period_end="2024-01-01"),
        headers=member["headers"],
    )
    assert assert_problem(r, 422, "invalid_crediting_period")["field"] == "crediting_period_end"
    r = await client.post(
        "/v1/org/projects", json=draft(estimated_t_per_year=-1), headers=member["headers"]
    )
    body = assert_problem(r, 400, "validation_failed")
    assert body["errors"][0]["field"] == "estimated_t_per_year"


async def test_only_org_members_draft(client, db):
    ops = await staff(client, db)
    r = await client.post("/v1/org/projects", json=draft(), headers=ops)
    assert_problem(r, 403, "role_required")
    org = await make_org(db, kind="verifier")
    verifier = await org_login(client, db, org.id, Role.VERIFIER)
    r = await client.post("/v1/org/projects", json=draft(), headers=verifier["headers"])
    assert_problem(r, 403, "role_required")


async def test_list_read_and_edit_while_draft(client, db):
    org = await make_org(db)
    member = await org_login(client, db, org.id)
    h = member["headers"]
    ids = [
        (await client.post("/v1/org/projects", json=draft(title=f"P{i}"), headers=h)).json()[
            "project_id"
        ]
        for i in range(3)
    ]
    page = (await client.get("/v1/org/projects?limit=2", headers=h)).json()
    assert [p["project_id"] for p in page["items"]] == ids[:2] and page["next_cursor"]
    rest = (await client.get(f"/v1/org/projects?cursor={page['next_cursor']}", headers=h)).json()
    assert [p["project_id"] for p in rest["items"]] == ids[2:] and rest["next_cursor"] is None
    r = await client.patch(
        f"/v1/org/projects/{ids[0]}", json={"title": "Renamed", "district": "jianye"}, headers=h
    )
    assert r.status_code == 200, r.text
    assert r.json()["title"] == "Renamed" and r.json()["district"] == "jianye"
    assert r.json()["description"] == "Commuters switch from cars to e-bikes."  # untouched
    r = await client.patch(
        f"/v1/org/projects/{ids[0]}", json={"crediting_period_end": "2020-01-01"}, headers=h
    )
    assert_problem(r, 422, "invalid_crediting_period")
    await add_experts(db)
    assert (await client.post(f"/v1/org/projects/{ids[0]}/submit", headers=h)).status_code == 200
    r = await client.patch(f"/v1/org/projects/{ids[0]}", json={"title": "Late"}, headers=h)
    assert_problem(r, 409, "not_a_draft")
    assert (await client.get(f"/v1/org/projects/{ids[0]}", headers=h)).json()["title"] == "Renamed"


async def test_another_organisations_project_is_not_found(client, db):
    mine, theirs = await make_org(db), await make_org(db)
    me = await org_login(client, db, mine.id)
    them = await org_login(client, db, theirs.id)
    pid = (await client.post("/v1/org/projects", json=draft(), headers=me["headers"])).json()[
        "project_id"
    ]
    h = them["headers"]
    assert_problem(await client.get(f"/v1/org/projects/{pid}", headers=h), 404, "project_not_found")
    r = await client.patch(f"/v1/org/projects/{pid}", json={"title": "Mine now"}, headers=h)
    assert_problem(r, 404, "project_not_found")
    assert_problem(
        await client.post(f"/v1/org/projects/{pid}/submit", headers=h), 404, "project_not_found"
    )
    assert_problem(
        await client.get(f"/v1/org/projects/{pid}/documents", headers=h), 404, "project_not_found"
    )
    r = await client.post(
        f"/v1/org/projects/{pid}/monitoring-reports",
        json={"period_start": "2024-01-01", "period_end": "2024-06-30", "claimed_t": 5},
        headers=h,
    )
    assert_problem(r, 404, "project_not_found")
    assert (await client.get("/v1/org/projects", headers=h)).json()["items"] == []
