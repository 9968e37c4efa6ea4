"""The Events section of /org in headless Chromium at 360 px: an organisation holding units
enters an event, sees its footprint with the factor set version, neutralises it from its held
units (a double click retires once), and follows the public record and the certificate."""

from __future__ import annotations

import httpx

from tests.browser.conftest import PHONE
from tests.browser.test_org_page import _no_overflow, _sign_in, _watch
from tests.helpers import PASSWORD
from tests.registry_units import issued_units
from tests.registry_world import make_member, make_org


async def test_enter_and_neutralise_an_event_from_the_page(live, db, browser, shots) -> None:
    org = await make_org(db, name="南京市马拉松组委会")
    username = await make_member(db, org.id)
    issued = await issued_units(db, org, 100)

    context = await browser.new_context(viewport=PHONE, locale="zh-CN")
    page = await context.new_page()
    off_site, errors = await _watch(page, live)
    await page.goto(f"{live}/org")
    await _sign_in(page, username, PASSWORD)
    await page.wait_for_selector("#screen-events #events-list li.muted")

    await page.click("#event-new summary")
    await page.fill("#ev-name", "2026 南京马拉松")
    await page.fill("#ev-venue", "南京奥体中心")
    await page.fill("#ev-starts-at", "2026-04-12T07:30")
    await page.fill("#ev-ends-at", "2026-04-12T14:30")
    await page.fill("#ev-attendees", "30000")
    await page.fill("#ev-activity-electricity-kwh", "12000")
    await page.fill("#ev-activity-travel-pkm-by-mode-metro", "40000")
    await page.fill("#ev-activity-meals", "3000")
    # a problem from the server shows beside its field
    await page.fill("#ev-activity-hotel-nights", "-1")
    await page.click("#event-form button[type=submit]")
    await page.wait_for_selector('#event-form .field-err[data-field="activity.hotel_nights"]')
    await page.fill("#ev-activity-hotel-nights", "")
    await page.click("#event-form button[type=submit]")
    await page.wait_for_selector("#event-done:not(.hidden)")
    event_id = await page.get_attribute("#event-done", "data-event-id")
    # 12000 x 0.5617 + 40000 x 0.0732 + 3000 x 2.5 = 17168.4 kg -> 17169 kg, 18 t
    assert "17,169" in await page.inner_text("#event-done")
    item = page.locator(f'#events-list li[data-event="{event_id}"]')
    await item.wait_for()
    text = await item.inner_text()
    assert "EVT v1" in text and "17,169" in text and "18" in text
    assert await item.locator(".pill").get_attribute("data-status") == "not_neutralised"
    await page.screenshot(path=str(shots / "org-event-entered-360.png"), full_page=True)
    await _no_overflow(page)

    # neutralise with what is still required; a double click retires once
    await item.locator(".neutralise-form button[type=submit]").dblclick()
    await page.wait_for_selector(
        f'#events-list li[data-event="{event_id}"] .pill[data-status="neutralised"]'
    )
    item = page.locator(f'#events-list li[data-event="{event_id}"]')
    row = item.locator(".event-retirements tbody tr")
    assert await row.count() == 1
    assert f"{issued.prefix}-83-100" in await row.inner_text()
    await page.wait_for_selector(
        f'#accounts-table tr[data-account="{org.account_id}"] .balance:text-is("82")'
    )
    await page.screenshot(path=str(shots / "org-event-neutralised-360.png"), full_page=True)
    await _no_overflow(page)

    pdf = await row.locator("a.cert-pdf").get_attribute("href")
    public = await item.locator("a.event-public").get_attribute("href")
    async with httpx.AsyncClient(base_url=live) as http:
        r = await http.get(pdf)
        assert r.status_code == 200 and r.content.startswith(b"%PDF")
        shown = (await http.get(public)).json()
        assert (shown["tonnes_retired"], shown["neutralised"]) == (18, True)

    # English
    await page.click("#lang-toggle")
    assert "Footprint 17,169 kg CO2e" in await item.inner_text()
    assert off_site.requests == []
    assert [e for e in errors if "422" not in e] == [], errors
    await context.close()
