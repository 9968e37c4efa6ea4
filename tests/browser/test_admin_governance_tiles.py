"""The dashboard's governance tiles (/admin) in headless Chromium: open complaints, SLA breaches
(highlighted, a link to the complaint queue filtered to breaches) and open alerts (a link to the
alerts section) show the API's figures; nothing from another origin."""

from __future__ import annotations

from datetime import timedelta

import httpx

from domain.clock import utcnow
from tests.browser.conftest import PHONE
from tests.browser.test_admin_alerts import _overclaim
from tests.browser.test_admin_page import _tile
from tests.browser.test_admin_registry import LAPTOP
from tests.browser.test_org_page import _watch
from tests.complaints_world import ME, backdate

WAIT = 20_000  # ms


async def _two_complaints_one_breached(live: str) -> str:
    """A citizen files two complaints; returns the id of the one later put past its clock."""
    async with httpx.AsyncClient(base_url=live) as http:
        citizen = (await http.post("/v1/auth/dev", json={"openid": "tiles-1"})).json()
        h = {"Authorization": f"Bearer {citizen['access_token']}"}
        assert (await http.put("/v1/me/consent", json={"version": "v1"}, headers=h)).is_success
        ids = []
        for text in ("积分没到账", "兑换券无法使用"):
            r = await http.post(ME, json={"category": "points", "text": text}, headers=h)
            assert r.status_code == 201, r.text
            ids.append(r.json()["complaint_id"])
    return ids[0]


async def _in_view(page, selector: str) -> bool:
    return await page.evaluate(
        f"(() => {{ const r = document.querySelector('{selector}').getBoundingClientRect();"
        " return r.top < innerHeight && r.bottom > 0; })()"
    )


async def test_governance_tiles_link_to_their_sections(live, demo, db, browser, shots) -> None:
    late = await _two_complaints_one_breached(live)
    await backdate(db, late, response_due_at=utcnow() - timedelta(hours=1))
    await _overclaim(db)  # one open supervision alert

    ops = next(s for s in demo["staff"] if s["role"] == "operations")
    context = await browser.new_context(viewport=LAPTOP, locale="zh-CN")
    page = await context.new_page()
    off_site, errors = await _watch(page, live)
    await page.goto(f"{live}/admin")
    await page.fill("#login-username", ops["username"])
    await page.fill("#login-password", ops["password"])
    await page.click("#login-submit")
    await page.wait_for_selector('#tiles [data-tile="alerts"] .v[data-value]', timeout=WAIT)

    assert await _tile(page, "complaints") == ("2", 2)
    assert await _tile(page, "breached") == ("1", 1)
    assert await _tile(page, "alerts") == ("1", 1)
    assert "high" in await page.get_attribute("#tile-breached", "class")
    assert "high" in await page.get_attribute("#tile-alerts", "class")
    assert "high" not in await page.get_attribute("#tile-complaints", "class")
    assert await page.inner_text('#tiles [data-tile="breached"] .k') == "客诉超时"
    await page.locator("#tiles").screenshot(path=str(shots / "admin-governance-tiles.png"))

    # the breaches tile: the queue, scrolled to, shows only the breached complaint
    await page.locator("#cq-list li[data-complaint]").nth(1).wait_for(timeout=WAIT)
    await page.click("#tile-breached")
    await page.wait_for_function(
        "() => document.querySelectorAll('#cq-list li[data-complaint]').length === 1",
        timeout=WAIT,
    )
    assert await page.input_value("#cq-filter") == "breached"
    row = page.locator("#cq-list li[data-complaint]")
    assert (await row.get_attribute("data-complaint"), await row.get_attribute("data-sla")) == (
        late,
        "breached",
    )
    assert page.url.endswith("#complaints") and await _in_view(page, "#complaints")

    # the alerts tile: the alerts section
    await page.click("#tile-alerts")
    await page.wait_for_function("() => location.hash === '#alerts'", timeout=WAIT)
    assert await _in_view(page, "#alerts")

    # English, and a phone: nothing wider than the screen
    await page.click("#lang-toggle")
    assert await page.inner_text('#tiles [data-tile="breached"] .k') == "SLA breaches"
    assert await page.inner_text('#tiles [data-tile="alerts"] .k') == "Open alerts"
    await page.set_viewport_size(PHONE)
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert not errors, errors
    assert not off_site.requests, off_site.requests
    await context.close()
