"""Notices in the citizen H5 (/) in headless Chromium at 360 px: the home view shows the latest 3
published notices (title, kind, effective date; upcoming ones marked), never a draft, and a tap
opens one to read its body."""

from __future__ import annotations

from datetime import timedelta

import httpx

from domain.clock import shanghai_date, utcnow
from domain.identity.principal import Role
from tests.browser.conftest import PHONE
from tests.browser.test_neutrality_page import _signed_in
from tests.browser.test_org_page import _no_overflow, _watch
from tests.helpers import bearer, staff_login

WAIT = 20_000  # ms


async def _publish(live: str, db) -> None:
    today = shanghai_date(utcnow())
    async with httpx.AsyncClient(base_url=live, timeout=30) as http:
        ops = bearer((await staff_login(http, db, Role.OPERATIONS))["access_token"])
        admin = bearer((await staff_login(http, db, Role.ADMIN))["access_token"])
        for slug, kind, days, title in (
            ("oldest", "announcement", -40, "最早的公告"),
            ("points-rule", "rule", -10, "积分兑换规则"),
            ("spring-news", "announcement", -1, "春季活动公告"),
            ("new-policy", "policy", 7, "绿色出行新政策"),
        ):
            body = {
                "notice_id": slug,
                "kind": kind,
                "title": title,
                "body": f"{title}的正文。\n第二段。",
                "effective_from": str(today + timedelta(days=days)),
            }
            assert (await http.post("/v1/admin/notices", json=body, headers=ops)).is_success
            url = f"/v1/admin/notices/{slug}/versions/1/publish"
            assert (await http.post(url, headers=admin)).is_success
        draft = {**body, "notice_id": "secret-draft", "title": "未发布的草稿"}
        assert (await http.post("/v1/admin/notices", json=draft, headers=ops)).is_success


async def test_the_home_view_shows_the_latest_notices(browser, live, db) -> None:
    await _publish(live, db)
    context = await browser.new_context(viewport=PHONE, locale="zh-CN")
    page = await context.new_page()
    off_site, errors = await _watch(page, live)
    await _signed_in(page, live)
    await page.wait_for_selector("#nc-list li details", timeout=WAIT)
    items = page.locator("#nc-list > li")
    assert await items.count() == 3
    text = await page.inner_text("#notices-card")
    assert "绿色出行新政策" in text and "即将生效" in text and "政策" in text
    assert "积分兑换规则" in text and "春季活动公告" in text
    assert "最早的公告" not in text and "未发布的草稿" not in text
    assert not await page.is_visible("#nc-list li:first-child .notice-body")
    await page.click("#nc-list li:first-child summary")
    await page.wait_for_selector("#nc-list li:first-child .notice-body", state="visible")
    assert "第二段" in await page.inner_text("#nc-list li:first-child .notice-body")
    await _no_overflow(page)
    assert not errors, errors
    assert not off_site.requests, off_site.requests
    await context.close()
