"""Complaints in headless Chromium: a citizen files one in the H5 (/, 我的, 360 px), operations
staff see it in the /admin queue with its SLA state and answer it, and the answer appears in the
H5 live (the page is not reloaded); after the resolution the citizen rates it once."""

from __future__ import annotations

from tests.browser.conftest import PHONE
from tests.browser.test_admin_registry import LAPTOP
from tests.browser.test_neutrality_page import _signed_in
from tests.browser.test_org_page import _no_overflow, _watch

WAIT = 20_000  # ms


async def test_filed_in_the_h5_answered_in_admin_seen_live(browser, live, demo, shots) -> None:
    citizen_ctx = await browser.new_context(viewport=PHONE, locale="zh-CN")
    h5 = await citizen_ctx.new_page()
    off_site, errors = await _watch(h5, live)
    await _signed_in(h5, live)
    await h5.click("#tabs button[data-view='me']")
    await h5.wait_for_selector("#cp-new #cp-submit", state="visible", timeout=WAIT)
    await h5.select_option("#cp-category", "points")
    await h5.fill("#cp-text", "昨天的地铁出行没有积分")
    await h5.click("#cp-submit")
    filed = h5.locator("#cp-list li[data-status='open']")
    await filed.wait_for(timeout=WAIT)
    assert "已提交" in await filed.inner_text() and "日终前答复" in await filed.inner_text()
    assert "投诉与建议" in await h5.inner_text("#complaints-card h2")
    await _no_overflow(h5)
    await h5.screenshot(path=str(shots / "complaint-filed-h5.png"), full_page=True)
    await h5.evaluate("window.__not_reloaded = true")

    # operations staff answer it from the queue
    ops = next(s for s in demo["staff"] if s["role"] == "operations")
    desk_ctx = await browser.new_context(viewport=LAPTOP, locale="zh-CN")
    desk = await desk_ctx.new_page()
    desk_off, desk_errors = await _watch(desk, live)
    await desk.goto(f"{live}/admin")
    await desk.fill("#login-username", ops["username"])
    await desk.fill("#login-password", ops["password"])
    await desk.click("#login-submit")
    row = desk.locator("#cq-list li[data-complaint]").first
    await row.wait_for(timeout=WAIT)
    assert "昨天的地铁出行没有积分" in await row.inner_text()
    assert await row.get_attribute("data-sla") in ("on_time", "due_soon")
    await row.locator("textarea.cq-text").fill("已查到该行程，正在补发积分")
    await row.locator("button[data-action='respond']").click()
    await desk.wait_for_selector("#cq-list li .pill:has-text('已答复')", timeout=WAIT)
    await desk.locator("#complaints").screenshot(path=str(shots / "complaint-queue-admin.png"))

    # ... and the citizen sees the answer without reloading
    answered = h5.locator("#cp-list li [data-step='responded']")
    await answered.wait_for(timeout=WAIT)
    assert "正在补发积分" in await answered.inner_text()
    assert await h5.evaluate("window.__not_reloaded === true")
    await h5.screenshot(path=str(shots / "complaint-answered-h5.png"), full_page=True)

    # resolved in the queue; the citizen rates it, once
    row = desk.locator("#cq-list li[data-complaint]").first
    await row.locator("textarea.cq-text").fill("积分已补发")
    await row.locator("button[data-action='resolve']").click()
    await h5.locator("#cp-list li[data-status='resolved'] .cp-rate").wait_for(timeout=WAIT)
    await h5.select_option("#cp-list li[data-status='resolved'] .cp-score", "4")
    await h5.click("#cp-list li[data-status='resolved'] .cp-rate")
    # rated and resolved: folded away, opened with a tap
    await h5.locator("#cp-list li [data-step='rated']").wait_for(state="attached", timeout=WAIT)
    await h5.click("#cp-list li[data-status='resolved'] summary")
    await h5.locator("#cp-list li [data-step='rated']").wait_for(timeout=WAIT)
    assert "4 星" in await h5.inner_text("#cp-list li[data-status='resolved']")
    assert await h5.locator("#cp-list .cp-rate").count() == 0
    await _no_overflow(h5)
    await h5.screenshot(path=str(shots / "complaint-rated-h5.png"), full_page=True)

    # the English toggle translates the card
    await h5.click("#lang-toggle")
    assert "Complaints" in await h5.inner_text("#complaints-card h2")
    assert "Points" in await h5.inner_text("#cp-list li[data-status='resolved'] summary")

    # the queue at 360 px: no sideways scrolling
    await desk.set_viewport_size(PHONE)
    await desk.select_option("#cq-filter", "all")
    await desk.wait_for_selector("#cq-list li[data-sla]", timeout=WAIT)
    await _no_overflow(desk)
    await desk.locator("#complaints").screenshot(path=str(shots / "complaint-queue-360.png"))

    assert not errors, errors
    assert not desk_errors, desk_errors
    assert not off_site.requests and not desk_off.requests
    await desk_ctx.close()
    await citizen_ctx.close()
