"""Notices: staff draft policies, rules and announcements, an admin publishes them with a version
and an effective date; the public list shows the latest published version of each, drafts never."""

from __future__ import annotations

from datetime import timedelta

from domain.clock import shanghai_date, utcnow
from domain.identity.principal import Role
from tests.helpers import assert_problem, bearer, staff_login
from tests.review_world import make_expert, pass_review

ADMIN = "/v1/admin/notices"
PUBLIC = "/v1/public/notices"
EDIT = ("title", "body", "effective_from")


async def _staff(client, db, role: Role) -> dict[str, str]:
    return bearer((await staff_login(client, db, role))["access_token"])


def _draft(
    notice_id: str, kind: str = "policy", days: int = 0, title: str = "绿色出行积分规则"
) -> dict:
    when = shanghai_date(utcnow()) + timedelta(days=days)
    return {
        "notice_id": notice_id,
        "kind": kind,
        "title": title,
        "body": "正文 " * 10,
        "effective_from": str(when),
    }


async def test_draft_publish_list_and_new_versions_supersede(client, db) -> None:
    ops = await _staff(client, db, Role.OPERATIONS)
    admin = await _staff(client, db, Role.ADMIN)
    r = await client.post(ADMIN, json=_draft("points-policy"), headers=ops)
    assert r.status_code == 201, r.text
    assert (r.json()["version"], r.json()["status"]) == (1, "draft")
    assert (await client.get(PUBLIC)).json()["items"] == []  # drafts are never public
    assert_problem(await client.get(f"{PUBLIC}/points-policy"), 404, "notice_not_found")

    edited = {k: v for k, v in _draft("x", title="修订后的规则").items() if k in ("title", "body")}
    edited["effective_from"] = _draft("x")["effective_from"]
    r = await client.put(f"{ADMIN}/points-policy/versions/1", json=edited, headers=ops)
    assert r.status_code == 200, r.text
    # operations drafts; only an admin publishes
    url = f"{ADMIN}/points-policy/versions/1/publish"
    assert_problem(await client.post(url, headers=ops), 403, "role_required")
    r = await client.post(url, headers=admin)
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "published" and r.json()["published_by"]
    assert_problem(await client.post(url, headers=admin), 409, "notice_not_draft")
    assert_problem(
        await client.put(f"{ADMIN}/points-policy/versions/1", json=edited, headers=ops),
        409,
        "notice_not_draft",
    )
    items = (await client.get(PUBLIC)).json()["items"]
    assert [(n["notice_id"], n["version"], n["title"], n["in_force"]) for n in items] == [
        ("points-policy", 1, "修订后的规则", True)
    ]

    # version 2: a draft does not replace the published one until it is published
    r = await client.post(ADMIN, json=_draft("points-policy", title="第二版"), headers=ops)
    assert r.json()["version"] == 2
    assert_problem(
        await client.post(ADMIN, json=_draft("points-policy"), headers=ops),
        409,
        "notice_draft_exists",
    )
    assert (await client.get(PUBLIC)).json()["items"][0]["version"] == 1
    await client.post(f"{ADMIN}/points-policy/versions/2/publish", headers=admin)
    items = (await client.get(PUBLIC)).json()["items"]
    assert [(n["version"], n["title"]) for n in items] == [(2, "第二版")]
    history = (await client.get(f"{PUBLIC}/points-policy")).json()
    assert [v["version"] for v in history] == [2, 1]

    auditor = await _staff(client, db, Role.AUDITOR)
    audit = (await client.get("/v1/admin/audit", headers=auditor)).json()["items"]
    actions = {e["action"] for e in audit if e["target_id"] == "points-policy"}
    assert {"notice.draft", "notice.edit", "notice.publish"} <= actions


async def test_upcoming_kind_filter_and_paging(client, db) -> None:
    ops = await _staff(client, db, Role.OPERATIONS)
    admin = await _staff(client, db, Role.ADMIN)
    for notice_id, kind, days in (
        ("old-rule", "rule", -30),
        ("now-news", "announcement", 0),
        ("next-policy", "policy", 10),
    ):
        assert (
            await client.post(ADMIN, json=_draft(notice_id, kind, days), headers=ops)
        ).is_success
        assert (
            await client.post(f"{ADMIN}/{notice_id}/versions/1/publish", headers=admin)
        ).is_success
    await client.post(ADMIN, json=_draft("hidden-draft"), headers=ops)
    items = (await client.get(PUBLIC)).json()["items"]
    assert [(n["notice_id"], n["in_force"]) for n in items] == [
        ("next-policy", False),  # upcoming: listed, not yet in force
        ("now-news", True),
        ("old-rule", True),
    ]
    rules = (await client.get(PUBLIC, params={"kind": "rule"})).json()["items"]
    assert [n["notice_id"] for n in rules] == ["old-rule"]
    seen, cursor = [], None
    while True:
        params = {"limit": 1} | ({"cursor": cursor} if cursor else {})
        page = (await client.get(PUBLIC, params=params)).json()
        seen += [n["notice_id"] for n in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ["next-policy", "now-news", "old-rule"]
    assert_problem(await client.get(PUBLIC, params={"cursor": "bm9wZQ"}), 422, "invalid_cursor")

    # withdrawn: gone from the public list
    await client.post(f"{ADMIN}/now-news/versions/1/withdraw", headers=admin)
    items = (await client.get(PUBLIC)).json()["items"]
    assert "now-news" not in [n["notice_id"] for n in items]


async def test_roles_bad_input_and_unknown_ids(client, db) -> None:
    ops = await _staff(client, db, Role.OPERATIONS)
    auditor = await _staff(client, db, Role.AUDITOR)
    assert_problem(await client.post(ADMIN, json=_draft("a-notice")), 401)
    assert_problem(await client.post(ADMIN, json=_draft("a-notice"), headers=auditor), 403)
    citizen = await client.post("/v1/auth/dev", json={"openid": "o-notices"})
    tok = bearer(citizen.json()["access_token"])
    assert_problem(await client.get(ADMIN, headers=tok), 403)
    for bad, field in (  # the schema: 400 naming the field
        (_draft("Bad Slug!"), "notice_id"),
        (_draft("a-notice", kind="memo"), "kind"),
        (_draft("a-notice", title=""), "title"),
        ({**_draft("a-notice"), "body": "x" * 20_001}, "body"),
        ({**_draft("a-notice"), "effective_from": "not-a-date"}, "effective_from"),
    ):
        body = assert_problem(await client.post(ADMIN, json=bad, headers=ops), 400)
        assert [e["field"] for e in body["errors"]] == [field], body
    for bad, code, field in (  # the content: 422 naming the field
        (_draft("a-notice", title="   "), "invalid_title", "title"),
        ({**_draft("a-notice"), "body": " \n "}, "invalid_body", "body"),
    ):
        body = assert_problem(await client.post(ADMIN, json=bad, headers=ops), 422, code)
        assert body["field"] == field
    assert (await client.post(ADMIN, json=_draft("a-notice"), headers=ops)).is_success
    other_kind = _draft("a-notice", kind="rule")
    await client.post(
        f"{ADMIN}/a-notice/versions/1/publish", headers=await _staff(client, db, Role.ADMIN)
    )
    assert_problem(
        await client.post(ADMIN, json=other_kind, headers=ops), 409, "notice_kind_mismatch"
    )
    admin = await _staff(client, db, Role.ADMIN)
    assert_problem(
        await client.post(f"{ADMIN}/nope/versions/1/publish", headers=admin),
        404,
        "notice_not_found",
    )
    assert_problem(
        await client.post(f"{ADMIN}/a-notice/versions/9/publish", headers=admin),
        404,
        "notice_not_found",
    )
    assert_problem(await client.get(f"{ADMIN}/nope", headers=ops), 404, "notice_not_found")
    assert_problem(await client.get(f"{PUBLIC}/nope"), 404, "notice_not_found")
    assert_problem(await client.get(PUBLIC, params={"kind": "memo"}), 400)


async def test_a_rule_with_an_open_review_waits_for_it_to_pass(client, db) -> None:
    ops = await _staff(client, db, Role.OPERATIONS)
    admin = await _staff(client, db, Role.ADMIN)
    assert (await client.post(ADMIN, json=_draft("exchange-rule", "rule"), headers=ops)).is_success
    field = "notices-test"
    await make_expert(client, ops, fields=[field])
    r = await client.post(
        "/v1/admin/reviews",
        headers=ops,
        json={"subject": "rule", "subject_id": "exchange-rule", "experts": 1, "field": field},
    )
    assert r.status_code == 201, r.text
    url = f"{ADMIN}/exchange-rule/versions/1/publish"
    body = assert_problem(await client.post(url, headers=admin), 409, "review_not_passed")
    assert body["review_id"] == r.json()["review_id"]
    await pass_review(client, db, "rule", "exchange-rule")
    edit = {k: v for k, v in _draft("exchange-rule", "rule", title="改过").items() if k in EDIT}
    r = await client.put(f"{ADMIN}/exchange-rule/versions/1", json=edit, headers=ops)
    assert r.status_code == 200, r.text
    assert_problem(await client.post(url, headers=admin), 409, "edited_after_review")
    await pass_review(client, db, "rule", "exchange-rule")
    assert (await client.post(url, headers=admin)).status_code == 201
    # a rule nobody asked experts about is published directly
    assert (await client.post(ADMIN, json=_draft("plain-rule", "rule"), headers=ops)).is_success
    r = await client.post(f"{ADMIN}/plain-rule/versions/1/publish", headers=admin)
    assert r.status_code == 201
