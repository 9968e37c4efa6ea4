"""Notices: the public list is paged in the database (a cursor over newest effective date, then
notice id, never skipping or repeating across pages even when versions supersede each other), and
an expert sitting on a rule's review reads the rule's draft; another expert does not."""

from __future__ import annotations

import uuid
from datetime import timedelta

from domain.clock import shanghai_date, utcnow
from domain.identity.principal import Role
from tests.helpers import assert_problem, bearer, staff_login
from tests.review_world import make_expert

ADMIN = "/v1/admin/notices"
PUBLIC = "/v1/public/notices"


async def _staff(client, db, role: Role) -> dict[str, str]:
    return bearer((await staff_login(client, db, role))["access_token"])


def _draft(notice_id: str, kind: str = "policy", days: int = 0, title: str = "标题") -> dict:
    return {
        "notice_id": notice_id,
        "kind": kind,
        "title": title,
        "body": "第一条 正文。\n第二条 正文。",
        "effective_from": str(shanghai_date(utcnow()) + timedelta(days=days)),
    }


async def _publish(client, ops, admin, notice_id, kind="policy", days=0, title="标题") -> None:
    r = await client.post(ADMIN, json=_draft(notice_id, kind, days, title), headers=ops)
    assert r.status_code == 201, r.text
    number = r.json()["version"]
    r = await client.post(f"{ADMIN}/{notice_id}/versions/{number}/publish", headers=admin)
    assert r.status_code == 201, r.text


async def _all_pages(client, limit: int, **params) -> list[tuple[str, int]]:
    seen, cursor = [], None
    while True:
        query = params | {"limit": limit} | ({"cursor": cursor} if cursor else {})
        r = await client.get(PUBLIC, params=query)
        assert r.status_code == 200, r.text
        page = r.json()
        assert len(page["items"]) <= limit
        seen += [(n["notice_id"], n["version"]) for n in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return seen


async def test_public_list_pages_in_order_with_ties_and_superseded_versions(client, db) -> None:
    ops = await _staff(client, db, Role.OPERATIONS)
    admin = await _staff(client, db, Role.ADMIN)
    # five notices on two effective dates (ties broken by notice id, descending) and one with
    # three published versions: only its newest is listed, once
    for notice_id, days in (("a-one", -5), ("b-two", -5), ("c-three", -5), ("d-four", 3)):
        await _publish(client, ops, admin, notice_id, days=days)
    for n in range(3):
        await _publish(client, ops, admin, "e-five", kind="rule", days=-1, title=f"第{n + 1}版")
    await client.post(ADMIN, json=_draft("f-draft"), headers=ops)  # a draft: never listed
    await _publish(client, ops, admin, "g-gone")
    await client.post(f"{ADMIN}/g-gone/versions/1/withdraw", headers=admin)  # withdrawn
    expected = [("d-four", 1), ("e-five", 3), ("c-three", 1), ("b-two", 1), ("a-one", 1)]
    assert [(n["notice_id"], n["version"]) for n in (await client.get(PUBLIC)).json()["items"]] == (
        expected
    )
    for limit in (1, 2, 3, 5):
        assert await _all_pages(client, limit) == expected, limit
    assert (await client.get(PUBLIC, params={"limit": 5})).json()["next_cursor"] is None
    assert await _all_pages(client, 1, kind="policy") == [e for e in expected if e[0] != "e-five"]

    # a cursor stays good when the notice it points at gets a newer version between pages
    first = (await client.get(PUBLIC, params={"limit": 2})).json()
    assert [n["notice_id"] for n in first["items"]] == ["d-four", "e-five"]
    await _publish(client, ops, admin, "e-five", kind="rule", days=-1, title="第4版")
    rest = (await client.get(PUBLIC, params={"limit": 10, "cursor": first["next_cursor"]})).json()
    assert [n["notice_id"] for n in rest["items"]] == ["c-three", "b-two", "a-one"]

    # the response keeps its shape: items of NoticeOut with in_force, and next_cursor
    page = (await client.get(PUBLIC, params={"limit": 1})).json()
    assert set(page) == {"items", "next_cursor"}
    assert page["items"][0]["in_force"] is False  # d-four is upcoming
    assert set(page["items"][0]) >= {"notice_id", "kind", "version", "title", "body", "status"}


async def test_bad_cursors_and_limits_are_4xx(client, db) -> None:
    import base64
    import json

    def enc(parts) -> str:
        return base64.urlsafe_b64encode(json.dumps(parts).encode()).decode().rstrip("=")

    for bad in ("bm9wZQ", "!!!", enc(["01" + "Z" * 24]), enc([1]), enc(["a", "b"])):
        assert_problem(await client.get(PUBLIC, params={"cursor": bad}), 422, "invalid_cursor")
    for limit in (0, 101, -1):
        assert_problem(await client.get(PUBLIC, params={"limit": limit}), 400)


async def test_the_expert_on_a_rule_review_reads_its_draft_and_nobody_else_does(client, db) -> None:
    ops = await _staff(client, db, Role.OPERATIONS)
    admin = await _staff(client, db, Role.ADMIN)
    draft = _draft("exchange-rule", "rule", days=7, title="积分兑换规则（征求意见稿）")
    assert (await client.post(ADMIN, json=draft, headers=ops)).status_code == 201
    field = f"rules-{uuid.uuid4().hex[:6]}"
    sitting = await make_expert(client, ops, fields=[field])
    outsider = await make_expert(client, ops, fields=[f"other-{uuid.uuid4().hex[:6]}"])
    r = await client.post(
        "/v1/admin/reviews",
        headers=ops,
        json={"subject": "rule", "subject_id": "exchange-rule", "experts": 1, "field": field},
    )
    assert r.status_code == 201, r.text
    rid = r.json()["review_id"]

    r = await client.get(f"/v1/expert/reviews/{rid}", headers=sitting["headers"])
    assert r.status_code == 200, r.text
    subject = r.json()["subject"]
    assert subject == {
        "notice_id": "exchange-rule",
        "kind": "rule",
        "version": 1,
        "title": draft["title"],
        "body": draft["body"],
        "effective_from": draft["effective_from"],
        "status": "draft",
    }
    # an expert not on the panel sees nothing of it (not even that it exists)
    assert_problem(
        await client.get(f"/v1/expert/reviews/{rid}", headers=outsider["headers"]),
        404,
        "review_not_found",
    )
    listed = (await client.get("/v1/expert/reviews", headers=outsider["headers"])).json()
    assert rid not in [s["review_id"] for s in listed["items"]]

    # an edit shows at once: the expert reads what will be published
    edit = {"title": "积分兑换规则（修订）", "body": "修订后的正文", "effective_from": "2030-01-01"}
    r = await client.put(f"{ADMIN}/exchange-rule/versions/1", json=edit, headers=ops)
    assert r.status_code == 200, r.text
    subject = (await client.get(f"/v1/expert/reviews/{rid}", headers=sitting["headers"])).json()[
        "subject"
    ]
    assert (subject["title"], subject["body"], subject["effective_from"]) == (
        edit["title"],
        edit["body"],
        "2030-01-01",
    )
    # after the vote and publication, the review still shows the rule (now its published text)
    r = await client.post(
        f"/v1/expert/reviews/{rid}/opinion",
        headers=sitting["headers"],
        json={"vote": "approve", "opinion": "clear"},
    )
    assert r.status_code == 200 and r.json()["status"] == "passed", r.text
    # edited before the decision: the review passed after the edit, so publishing is allowed
    r = await client.post(f"{ADMIN}/exchange-rule/versions/1/publish", headers=admin)
    assert r.status_code == 201, r.text
    subject = (await client.get(f"/v1/expert/reviews/{rid}", headers=sitting["headers"])).json()[
        "subject"
    ]
    assert (subject["status"], subject["title"]) == ("published", edit["title"])


async def test_a_review_of_an_unknown_rule_shows_no_subject(client, db) -> None:
    ops = await _staff(client, db, Role.OPERATIONS)
    field = f"rules-{uuid.uuid4().hex[:6]}"
    expert = await make_expert(client, ops, fields=[field])
    r = await client.post(
        "/v1/admin/reviews",
        headers=ops,
        json={"subject": "rule", "subject_id": "not-drafted-yet", "experts": 1, "field": field},
    )
    assert r.status_code == 201, r.text  # a review may be opened before the rule is drafted
    r = await client.get(f"/v1/expert/reviews/{r.json()['review_id']}", headers=expert["headers"])
    assert r.status_code == 200 and r.json()["subject"] is None


async def test_the_database_returns_one_page_of_latest_versions(client, db) -> None:
    """The page is cut in SQL: the repository returns at most `limit` rows, each the newest
    published version of its notice, after the given (effective_from, notice_id)."""
    ops = await _staff(client, db, Role.OPERATIONS)
    admin = await _staff(client, db, Role.ADMIN)
    for notice_id, days in (("n-a", -2), ("n-b", -1), ("n-c", 0)):
        await _publish(client, ops, admin, notice_id, days=days)
    await _publish(client, ops, admin, "n-a", days=-2, title="新版")
    async with db.unit_of_work() as uow:
        first = await uow.notices.latest_published(limit=2)
        assert [(v.notice_id, v.version) for v in first] == [("n-c", 1), ("n-b", 1)]
        last = first[-1]
        rest = await uow.notices.latest_published(
            limit=2, after=(last.effective_from, last.notice_id)
        )
        assert [(v.notice_id, v.version, v.title) for v in rest] == [("n-a", 2, "新版")]
        assert await uow.notices.latest_published(limit=5, kind="rule") == []


async def test_staff_see_where_a_rule_draft_stands_with_its_review(client, db) -> None:
    from tests.review_world import pass_review

    ops = await _staff(client, db, Role.OPERATIONS)
    auditor = await _staff(client, db, Role.AUDITOR)

    async def state(notice_id: str) -> tuple[str | None, str | None]:
        (v,) = (await client.get(f"{ADMIN}/{notice_id}", headers=auditor)).json()
        assert v["updated_at"]
        listed = [n for n in (await client.get(ADMIN, headers=auditor)).json()]
        assert [n for n in listed if n["notice_id"] == notice_id] == [v]
        return v["review_state"], v["review_id"]

    await client.post(ADMIN, json=_draft("a-policy"), headers=ops)
    assert await state("a-policy") == (None, None)  # only rules wait for reviews
    await client.post(ADMIN, json=_draft("a-rule", "rule"), headers=ops)
    assert await state("a-rule") == ("none", None)
    field = f"rules-{uuid.uuid4().hex[:6]}"
    await make_expert(client, ops, fields=[field])
    r = await client.post(
        "/v1/admin/reviews",
        headers=ops,
        json={"subject": "rule", "subject_id": "a-rule", "experts": 1, "field": field},
    )
    assert await state("a-rule") == ("open", r.json()["review_id"])
    passed = await pass_review(client, db, "rule", "a-rule")
    assert await state("a-rule") == ("passed", passed["review_id"])
    edit = {"title": "改过", "body": "改过的正文", "effective_from": "2030-01-01"}
    assert (await client.put(f"{ADMIN}/a-rule/versions/1", json=edit, headers=ops)).is_success
    assert await state("a-rule") == ("edited", passed["review_id"])
