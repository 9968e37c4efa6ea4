"""Publishing a methodology version needs a passed expert review of that very version."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.identity.principal import Role
from domain.methodology.params import NJ_GT_V1, to_json
from tests.helpers import assert_problem
from tests.review_world import make_expert, pass_review, staff_headers


async def in_review(client, admin) -> str:
    draft = {"code": "NJ-R", "title": "r", "methodology_class": "I", "params": to_json(NJ_GT_V1)}
    r = await client.post("/v1/admin/methodologies", headers=admin, json=draft)
    mid = r.json()["methodology_id"]
    assert (await client.post(f"/v1/admin/methodologies/{mid}/submit", headers=admin)).is_success
    return mid


def later() -> dict:
    return {"effective_from": (datetime.now(UTC) + timedelta(minutes=5)).isoformat()}


async def test_publishing_without_a_passed_review_is_a_409(client, db) -> None:
    admin = await staff_headers(client, db, Role.ADMIN)
    mid = await in_review(client, admin)
    r = await client.post(f"/v1/admin/methodologies/{mid}/publish", headers=admin, json=later())
    assert_problem(r, 409, "review_required")

    # a rejected review does not do either
    expert = await make_expert(client, admin, fields=["transport"])
    r = await client.post(
        "/v1/admin/reviews",
        headers=admin,
        json={"subject": "methodology", "subject_id": mid, "experts": 1},
    )
    await client.post(
        f"/v1/expert/reviews/{r.json()['review_id']}/opinion",
        headers=expert["headers"],
        json={"vote": "reject", "opinion": "factors unsupported"},
    )
    r = await client.post(f"/v1/admin/methodologies/{mid}/publish", headers=admin, json=later())
    assert_problem(r, 409, "review_required")

    await pass_review(client, db, "methodology", mid)
    r = await client.post(f"/v1/admin/methodologies/{mid}/publish", headers=admin, json=later())
    assert r.status_code == 201 and r.json()["status"] == "published", r.text


async def test_a_review_of_another_version_does_not_count(client, db) -> None:
    admin = await staff_headers(client, db, Role.ADMIN)
    mid = await in_review(client, admin)
    await pass_review(client, db, "methodology", "00000000000000000000NJGT01")
    r = await client.post(f"/v1/admin/methodologies/{mid}/publish", headers=admin, json=later())
    assert_problem(r, 409, "review_required")


async def test_a_newer_open_review_supersedes_a_passed_one(client, db) -> None:
    admin = await staff_headers(client, db, Role.ADMIN)
    mid = await in_review(client, admin)
    await pass_review(client, db, "methodology", mid)
    await make_expert(client, admin, fields=["transport"])
    r = await client.post(
        "/v1/admin/reviews",
        headers=admin,
        json={"subject": "methodology", "subject_id": mid, "experts": 1},
    )
    assert r.status_code == 201
    r = await client.post(f"/v1/admin/methodologies/{mid}/publish", headers=admin, json=later())
    assert_problem(r, 409, "review_required")
