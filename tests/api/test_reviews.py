"""Reviews: a reproducible draw of qualified experts without a conflict of interest, one vote
each, the majority decides."""

from __future__ import annotations

import random

from domain.clock import utcnow
from domain.experts.reviews import open_review, passed
from domain.governance.audit import CLI
from domain.identity.principal import Role
from tests.helpers import assert_problem
from tests.registry_world import make_org
from tests.review_world import make_expert, staff_headers

NJGT_V1 = "00000000000000000000NJGT01"  # published by the migrations


async def a_review(client, ops, panel_size: int, **extra) -> dict:
    body = {"subject": "rule", "subject_id": "points-rule-7", "experts": panel_size}
    r = await client.post("/v1/admin/reviews", headers=ops, json=body | extra)
    assert r.status_code == 201, r.text
    return r.json()


async def vote(client, expert, review_id: str, choice: str):
    return await client.post(
        f"/v1/expert/reviews/{review_id}/opinion",
        headers=expert["headers"],
        json={"vote": choice, "opinion": f"I say {choice}"},
    )


async def test_the_draw_is_recorded_and_can_be_re_run(client, db) -> None:
    ops = await staff_headers(client, db, Role.OPERATIONS)
    experts = [await make_expert(client, ops, fields=["transport"]) for _ in range(6)]
    review = await a_review(client, ops, 3, seed="public-seed-1", field="transport")
    assert review["seed"] == "public-seed-1"
    assert review["candidates"] == sorted(e["expert_id"] for e in experts)
    panel = {s["expert_id"] for s in review["panel"]}
    assert panel == set(random.Random("public-seed-1").sample(review["candidates"], 3))
    names = {e["expert_id"]: e["name"] for e in experts}
    assert all(s["expert_name"] == names[s["expert_id"]] for s in review["panel"])  # for staff
    again = await a_review(client, ops, 3, seed="public-seed-1", field="transport")
    assert {s["expert_id"] for s in again["panel"]} == panel
    fresh = await a_review(client, ops, 3)
    assert len(fresh["seed"]) == 32 and fresh["seed"] != review["seed"]
    auditor = await staff_headers(client, db, Role.AUDITOR)
    shown = (await client.get(f"/v1/admin/reviews/{review['review_id']}", headers=auditor)).json()
    assert shown["candidates"] == review["candidates"] and shown["status"] == "open"
    listed = (await client.get("/v1/admin/reviews?status=open", headers=auditor)).json()["items"]
    assert len(listed) == 3


async def test_only_qualified_active_experts_are_candidates(client, db) -> None:
    ops = await staff_headers(client, db, Role.OPERATIONS)
    forester = await make_expert(client, ops, fields=["forestry"])
    await make_expert(client, ops, fields=["transport"])
    gone = await make_expert(client, ops, fields=["forestry"])
    await client.post(f"/v1/admin/experts/{gone['expert_id']}/deactivate", headers=ops)
    review = await a_review(client, ops, 1, field="Forestry")
    assert review["candidates"] == [forester["expert_id"]]
    r = await client.post(
        "/v1/admin/reviews",
        headers=ops,
        json={"subject": "rule", "subject_id": "r", "experts": 2, "field": "forestry"},
    )
    assert_problem(r, 409, "not_enough_experts")


async def test_experts_affiliated_with_the_owner_are_excluded(client, db) -> None:
    org = await make_org(db, name="Zijin Mountain Carbon Ltd")
    ops = await staff_headers(client, db, Role.OPERATIONS)
    by_code = await make_expert(
        client, ops, fields=["forestry"], affiliations=[{"name": "x", "uscc": org.uscc}]
    )
    by_name = await make_expert(
        client, ops, fields=["forestry"], affiliations=[{"name": "ＺＩＪＩＮ mountain carbon ltd"}]
    )
    free = await make_expert(client, ops, fields=["forestry"], affiliations=[{"name": "NJU"}])
    async with db.unit_of_work() as uow:
        review = await open_review(
            uow,
            CLI,
            subject_kind="project",
            subject_id="P1",
            owner_org_id=org.id,
            field="forestry",
            panel_size=1,
            now=utcnow(),
        )
        assert review.candidates == [free["expert_id"]]
        assert by_code["expert_id"] not in review.candidates
        assert by_name["expert_id"] not in review.candidates
    async with db.unit_of_work() as uow:
        assert not await passed(uow, "project", "P1")  # open, not passed
        try:
            await open_review(
                uow,
                CLI,
                subject_kind="project",
                subject_id="P1",
                owner_org_id=org.id,
                field="forestry",
                panel_size=2,
                now=utcnow(),
            )
        except Exception as exc:
            assert getattr(exc, "code", None) == "not_enough_experts"
        else:
            raise AssertionError("two unaffiliated experts do not exist")


async def test_one_vote_each_and_the_majority_decides_early(client, db) -> None:
    ops = await staff_headers(client, db, Role.OPERATIONS)
    experts = {
        e["expert_id"]: e
        for e in [await make_expert(client, ops, fields=["energy"]) for _ in range(3)]
    }
    review = await a_review(client, ops, 3)
    first, second, third = (experts[s["expert_id"]] for s in review["panel"])
    rid = review["review_id"]
    r = await vote(client, first, rid, "approve")
    assert r.status_code == 200 and r.json()["status"] == "open"
    assert_problem(await vote(client, first, rid, "reject"), 409, "already_voted")
    r = await vote(client, second, rid, "approve")
    assert r.json()["status"] == "passed"  # two of three: decided before the last vote
    assert_problem(await vote(client, third, rid, "reject"), 409, "review_decided")
    public = (await client.get("/v1/public/reviews?subject_kind=rule")).json()["items"]
    assert [p["review_id"] for p in public] == [rid]
    assert public[0]["votes"] == {"approve": 2, "reject": 0, "revise": 0}
    assert public[0]["status"] == "passed" and "expert_id" not in str(public)


async def test_no_majority_means_revise_and_rejections_reject(client, db) -> None:
    ops = await staff_headers(client, db, Role.OPERATIONS)
    experts = {
        e["expert_id"]: e
        for e in [await make_expert(client, ops, fields=["energy"]) for _ in range(3)]
    }
    split = await a_review(client, ops, 3)
    for seat, choice in zip(split["panel"], ("approve", "reject", "revise"), strict=True):
        r = await vote(client, experts[seat["expert_id"]], split["review_id"], choice)
    assert r.json()["status"] == "revise"
    rejected = await a_review(client, ops, 3)
    for seat in rejected["panel"][:2]:
        r = await vote(client, experts[seat["expert_id"]], rejected["review_id"], "reject")
    assert r.json()["status"] == "rejected"


async def test_experts_see_only_their_own_seats(client, db) -> None:
    ops = await staff_headers(client, db, Role.OPERATIONS)
    sitting = await make_expert(client, ops, fields=["water"])
    outsider = await make_expert(client, ops, fields=["air"])
    review = await a_review(client, ops, 1, field="water")
    rid = review["review_id"]
    mine = (await client.get("/v1/expert/reviews", headers=sitting["headers"])).json()["items"]
    assert [s["review_id"] for s in mine] == [rid]
    assert (await client.get("/v1/expert/reviews", headers=outsider["headers"])).json()[
        "items"
    ] == []
    r = await client.get(f"/v1/expert/reviews/{rid}", headers=outsider["headers"])
    assert_problem(r, 404, "review_not_found")
    assert_problem(await vote(client, outsider, rid, "approve"), 404, "review_not_found")
    assert_problem(await client.get("/v1/expert/reviews", headers=ops), 403, "role_required")


async def test_an_expert_reads_the_methodology_under_review(client, db) -> None:
    ops = await staff_headers(client, db, Role.OPERATIONS)
    expert = await make_expert(client, ops, fields=["transport"])
    review = await a_review(client, ops, 1, subject="methodology", subject_id=NJGT_V1)
    shown = await client.get(f"/v1/expert/reviews/{review['review_id']}", headers=expert["headers"])
    assert shown.status_code == 200, shown.text
    assert shown.json()["subject"]["code"] == "NJ-GT" and shown.json()["my_vote"] is None


async def test_bad_review_requests_are_4xx(client, db) -> None:
    ops = await staff_headers(client, db, Role.OPERATIONS)
    await make_expert(client, ops, fields=["transport"])
    for bad in (
        {"subject": "idea", "subject_id": "x", "experts": 1},
        {"subject": "rule", "subject_id": "x", "experts": 0},
        {"subject": "rule", "subject_id": "x", "experts": 1, "seed": "s" * 65},
    ):
        assert (await client.post("/v1/admin/reviews", headers=ops, json=bad)).status_code == 400
    r = await client.post(
        "/v1/admin/reviews",
        headers=ops,
        json={"subject": "methodology", "subject_id": "0" * 26, "experts": 1},
    )
    assert_problem(r, 404, "methodology_not_found")
    r = await client.post(
        "/v1/admin/reviews",
        headers=ops,
        json={"subject": "project", "subject_id": "0" * 26, "experts": 1},
    )
    assert_problem(r, 404, "project_not_found")
