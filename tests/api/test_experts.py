"""The expert pool: experts with fields and affiliations, accounts shown once, deactivation."""

from __future__ import annotations

from domain.identity.principal import Role
from tests.helpers import assert_problem
from tests.registry_world import a_uscc
from tests.review_world import make_expert, staff_headers


async def test_staff_add_list_and_deactivate_experts(client, db) -> None:
    ops = await staff_headers(client, db, Role.OPERATIONS)
    code = a_uscc()
    expert = await make_expert(
        client,
        ops,
        fields=["forestry", "forestry", " transport "],
        affiliations=[{"name": "Nanjing Forestry University", "uscc": code.lower()}],
    )
    assert expert["fields"] == ["forestry", "transport"]
    assert expert["affiliations"] == [{"name": "Nanjing Forestry University", "uscc": code}]
    assert (await client.get("/v1/expert/reviews", headers=expert["headers"])).status_code == 200

    r = await client.post(
        "/v1/admin/experts", headers=ops, json={"name": "No Account", "fields": ["energy"]}
    )
    assert r.status_code == 201 and r.json()["password"] is None
    assert r.json()["expert"]["staff_id"] is None

    auditor = await staff_headers(client, db, Role.AUDITOR)
    listed = (await client.get("/v1/admin/experts", headers=auditor)).json()["items"]
    assert len(listed) == 2
    r = await client.post(f"/v1/admin/experts/{expert['expert_id']}/deactivate", headers=auditor)
    assert_problem(r, 403)
    r = await client.post(f"/v1/admin/experts/{expert['expert_id']}/deactivate", headers=ops)
    assert r.status_code == 200 and r.json()["active"] is False
    active = (await client.get("/v1/admin/experts?active=true", headers=ops)).json()["items"]
    assert [e["name"] for e in active] == ["No Account"]
    # the deactivated expert's account is disabled with them
    assert (await client.get("/v1/expert/reviews", headers=expert["headers"])).status_code == 401


async def test_bad_experts_are_refused_naming_the_field(client, db) -> None:
    ops = await staff_headers(client, db, Role.OPERATIONS)
    r = await client.post(
        "/v1/admin/experts",
        headers=ops,
        json={"name": "X", "fields": ["a"], "affiliations": [{"name": "Y", "uscc": "123"}]},
    )
    body = assert_problem(r, 422, "invalid_uscc")
    assert body["field"] == "affiliations[0].uscc"
    r = await client.post("/v1/admin/experts", headers=ops, json={"name": "X", "fields": [" "]})
    assert assert_problem(r, 422, "invalid_fields")["field"] == "fields"
    r = await client.post("/v1/admin/experts", headers=ops, json={"name": "X", "fields": []})
    assert r.status_code in (400, 422)
    r = await client.post(
        "/v1/admin/experts", headers=ops, json={"name": "X", "fields": ["a"], "username": "A B"}
    )
    assert_problem(r, 422, "invalid_username")
    missing = await client.post(f"/v1/admin/experts/{'0' * 26}/deactivate", headers=ops)
    assert_problem(missing, 404, "expert_not_found")
