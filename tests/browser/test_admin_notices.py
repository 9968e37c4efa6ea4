"""The notices section of the staff dashboard (/admin) in headless Chromium: operations drafts a
notice and edits the draft; an admin publishes it (it appears in /v1/public/notices), drafts its
next version from it and withdraws the first; a rule with an expert review opened waits for it
(the page says so, and publishing is refused until the expert approves). 360 px and laptop,
nothing from another origin."""

from __future__ import annotations

import uuid

import httpx

from tests.browser.conftest import PHONE
from tests.browser.test_admin_registry import _admin
from tests.browser.test_org_page import _sign_in, _watch

WAIT = 20_000  # ms


def _row(page, notice_id: str, version: int):
    return page.locator(f'#notices-list li[data-notice="{notice_id}"] li[data-version="{version}"]')


async def _draft(page, notice_id: str, kind: str, title: str, body: str) -> None:
    await page.fill("#nt-new-id", notice_id)
    await page.select_option("#nt-new-kind", kind)
    await page.fill("#nt-new-title", title)
    await page.fill("#nt-new-body", body)
    await page.click("#notice-form button[type=submit]")


async def _public(live: str) -> list[tuple[str, int, str]]:
    async with httpx.AsyncClient(base_url=live) as http:
        items = (await http.get("/v1/public/notices")).json()["items"]
    return [(n["notice_id"], n["version"], n["title"]) for n in items]


async def test_draft_edit_publish_and_withdraw(live, demo, browser, shots) -> None:
    admin = next(s for s in demo["staff"] if s["role"] == "admin")
    operations = next(s for s in demo["staff"] if s["role"] == "operations")

    # operations drafts and edits; publishing is for admins (no button)
    ops_ctx, ops, (ops_off, ops_errors) = await _admin(browser, live, operations, viewport=PHONE)
    await ops.wait_for_selector("#notice-form", timeout=WAIT)
    await _draft(ops, "green-trips", "policy", "绿色出行积分政策", "第一条 步行、骑行计分。")
    row = _row(ops, "green-trips", 1)
    await row.wait_for(timeout=WAIT)
    assert await row.get_attribute("data-status") == "draft"
    assert await row.locator("button.publish").count() == 0
    await row.locator("button.edit").click()
    await row.locator(".nt-edit input[name=title]").fill("绿色出行积分政策（2027）")
    await row.locator(".nt-edit textarea[name=body]").fill("第一条 步行、骑行、公交均计分。")
    await row.locator(".nt-edit button.save").click()
    await _row(ops, "green-trips", 1).locator("strong", has_text="（2027）").wait_for()
    # a bad notice id is refused on the form, naming the field
    await _draft(ops, "Bad Id!", "policy", "x", "y")
    await ops.locator("#notice-form .form-err", has_text="notice_id").wait_for()
    assert await ops.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    await ops.locator("#notices").screenshot(path=str(shots / "admin-notices-draft-360.png"))
    assert await _public(live) == []  # a draft is never public

    # the admin publishes: it is public
    desk, page, (off_site, errors) = await _admin(browser, live, admin)
    row = _row(page, "green-trips", 1)
    await row.wait_for(timeout=WAIT)
    await row.locator("button.publish").click()
    await _row(page, "green-trips", 1).and_(page.locator('[data-status="published"]')).wait_for()
    assert await _public(live) == [("green-trips", 1, "绿色出行积分政策（2027）")]

    # its next version, drafted from the published one; the first is withdrawn
    await _row(page, "green-trips", 1).locator("button.next").click()
    assert await page.input_value("#nt-new-id") == "green-trips"
    await page.fill("#nt-new-title", "绿色出行积分政策（第二版）")
    await page.click("#notice-form button[type=submit]")
    await _row(page, "green-trips", 2).wait_for(timeout=WAIT)
    assert await _row(page, "green-trips", 2).get_attribute("data-status") == "draft"
    await _row(page, "green-trips", 1).locator("button.withdraw").click()
    await _row(page, "green-trips", 1).and_(page.locator('[data-status="withdrawn"]')).wait_for()
    assert await _public(live) == []

    # a rule with an expert review opened on the page waits for it
    field = f"rules-{uuid.uuid4().hex[:6]}"
    async with httpx.AsyncClient(base_url=live) as http:
        r = await http.post(
            "/v1/auth/staff",
            json={"username": operations["username"], "password": operations["password"]},
        )
        staff = {"Authorization": f"Bearer {r.json()['access_token']}"}
        expert = f"expert-{uuid.uuid4().hex[:6]}"
        r = await http.post(
            "/v1/admin/experts",
            headers=staff,
            json={"name": "王专家", "fields": [field], "username": expert},
        )
        assert r.status_code == 201, r.text
        expert_password = r.json()["password"]
    await _draft(page, "points-exchange", "rule", "积分兑换规则", "每 100 积分兑换 1 元。")
    rule = _row(page, "points-exchange", 1)
    await rule.locator('[data-review-state="none"]').wait_for(timeout=WAIT)
    await rule.locator(".nt-review-form input[name=experts]").fill("1")
    await rule.locator(".nt-review-form input[name=field]").fill(field)
    await rule.locator(".nt-review-form button.open-review").click()
    rule = _row(page, "points-exchange", 1)
    await rule.locator('[data-review-state="open"]').wait_for(timeout=WAIT)
    await rule.locator("button.publish").click()
    await rule.locator(".row-err", has_text="review").wait_for(timeout=WAIT)
    await page.locator("#notices").screenshot(path=str(shots / "admin-notices.png"))
    # the expert reads the rule's draft on /org and approves it there
    phone = await browser.new_context(viewport=PHONE, locale="zh-CN")
    epage = await phone.new_page()
    e_off, e_errors = await _watch(epage, live)
    await epage.goto(f"{live}/org")
    await _sign_in(epage, expert, expert_password)
    seat = epage.locator("#seats-list li.seat", has_text="积分兑换规则")
    await seat.wait_for(timeout=WAIT)
    await seat.locator("summary").click()
    text = await seat.locator(".subject").inner_text()
    assert "每 100 积分兑换 1 元。" in text and "points-exchange" in text, text
    await epage.screenshot(path=str(shots / "org-expert-rule-360.png"), full_page=True)
    await seat.locator("select[name=vote]").select_option("approve")
    await seat.locator("textarea[name=opinion]").fill("规则清楚，可以发布")
    await seat.locator("button[type=submit]").click()
    await epage.locator('#seats-list li.seat [data-status="passed"]').wait_for(timeout=WAIT)
    assert e_off.requests == [] and e_errors == [], (e_off.requests, e_errors)
    await phone.close()
    await page.click("#nt-refresh")
    rule = _row(page, "points-exchange", 1)
    await rule.locator('[data-review-state="passed"]').wait_for(timeout=WAIT)
    await rule.locator("button.publish").click()
    await (
        _row(page, "points-exchange", 1)
        .and_(page.locator('[data-status="published"]'))
        .wait_for(timeout=WAIT)
    )
    assert [n[:2] for n in await _public(live)] == [("points-exchange", 1)]

    # in English too
    await page.click("#lang-toggle")
    await page.locator("#nt-h", has_text="Notices and rules").wait_for()
    assert "in force from" in await _row(page, "points-exchange", 1).inner_text()
    await page.locator("#notices").screenshot(path=str(shots / "admin-notices-en.png"))

    assert off_site.requests == ops_off.requests == []
    assert [e for e in errors if "status of 409" not in e] == [], errors
    assert [e for e in ops_errors if "status of 4" not in e] == [], ops_errors
    for c in (ops_ctx, desk):
        await c.close()
