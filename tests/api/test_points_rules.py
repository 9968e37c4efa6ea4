"""/v1/admin/points-rules: read the rules in force; a change drafts the next methodology version."""

from __future__ import annotations

from domain.identity.principal import Role
from tests.helpers import assert_problem, bearer, staff_login
from tests.review_world import pass_review


async def test_points_rules_are_read_from_the_version_in_force_and_changed_by_a_new_version(
    client, db
):
    ops = bearer((await staff_login(client, db, Role.OPERATIONS))["access_token"])
    now = (await client.get("/v1/admin/points-rules", headers=ops)).json()
    assert now["methodology"] == {"code": "NJ-GT", "version": 1}
    assert (now["grams_per_point"], now["daily_trip_cap"], now["daily_points_cap"]) == (1, 10, 3000)
    assert now["expiring_notice_days"] == 30

    r = await client.post(
        "/v1/admin/points-rules",
        json={"grams_per_point": 2, "daily_trip_cap": 8, "daily_points_cap": 2000},
        headers=ops,
    )
    assert r.status_code == 201, r.text
    draft = r.json()
    assert (draft["version"], draft["status"]) == (2, "draft")
    assert draft["params"]["points"] == {
        "grams_per_point": 2,
        "daily_trip_cap": 8,
        "daily_points_cap": 2000,
    }
    v1 = (await client.get("/v1/admin/methodologies", headers=ops)).json()
    v1 = next(
        v
        for v in (v1["items"] if isinstance(v1, dict) else v1)
        if (v["code"], v["version"]) == ("NJ-GT", 1)
    )
    assert draft["params"]["modes"] == v1["params"]["modes"]  # nothing else changed
    # a draft changes nothing until it is reviewed and published
    unchanged = (await client.get("/v1/admin/points-rules", headers=ops)).json()
    assert unchanged["methodology"]["version"] == 1

    mid = draft["methodology_id"]
    assert (
        await client.post(f"/v1/admin/methodologies/{mid}/submit", headers=ops)
    ).status_code in (
        200,
        201,
    )
    await pass_review(client, db, "methodology", mid)  # publishing needs a passed review
    admin = bearer((await staff_login(client, db, Role.ADMIN))["access_token"])
    published = await client.post(f"/v1/admin/methodologies/{mid}/publish", json={}, headers=admin)
    assert published.status_code in (200, 201), published.text
    after = (await client.get("/v1/admin/points-rules", headers=ops)).json()
    assert after["methodology"]["version"] == 2
    assert (after["grams_per_point"], after["daily_trip_cap"], after["daily_points_cap"]) == (
        2,
        8,
        2000,
    )


async def test_points_rules_are_validated_and_guarded(client, db):
    ops = bearer((await staff_login(client, db, Role.OPERATIONS))["access_token"])
    bad = await client.post(
        "/v1/admin/points-rules",
        json={"grams_per_point": 0, "daily_trip_cap": 8, "daily_points_cap": 2000},
        headers=ops,
    )
    assert_problem(bad, 400)
    auditor = bearer((await staff_login(client, db, Role.AUDITOR))["access_token"])
    assert (await client.get("/v1/admin/points-rules", headers=auditor)).status_code == 200
    denied = await client.post(
        "/v1/admin/points-rules",
        json={"grams_per_point": 1, "daily_trip_cap": 8, "daily_points_cap": 2000},
        headers=auditor,
    )
    assert_problem(denied, 403)
    unknown = await client.get("/v1/admin/points-rules?code=NOPE", headers=ops)
    assert_problem(unknown, 404, "no_methodology")
