"""The public disclosure page (/disclosure) in headless Chromium, signed out, at 360 and 1280 px:
with the demo world (a forest project issued and partly retired, experts' reviews, citizens'
journeys), a published notice, a day's checkpoint and a reference price, every section shows
real data; nothing is fetched from another origin, no script error, no horizontal scroll on a
phone, and the English toggle turns the page's words."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from domain.clock import shanghai_date, utcnow
from domain.crypto import DataProtector
from domain.identity.principal import Role
from jobs import checkpoint
from tests.api.test_exchange_settlements import a_deal
from tests.browser.conftest import PHONE
from tests.browser.test_org_page import _no_overflow, _watch
from tests.helpers import bearer, make_operator, signed_post, staff_login
from tests.market_world import reference_price
from tests.registry_units import issued_units
from tests.registry_world import make_org

WAIT = 60_000  # ms
DESKTOP = {"width": 1280, "height": 900}


async def _world(live: str, db, settings) -> dict[str, Any]:
    """A published notice, a reference price, a deal of 4 t settled by the trading centre
    today, and today's checkpoint (the demo's registry moved today)."""
    today = shanghai_date(utcnow())
    seller, buyer = await make_org(db), await make_org(db)
    await issued_units(db, seller, 10)
    ex, key, secret = await make_operator(db, DataProtector(settings.data_key), "exchange")
    async with httpx.AsyncClient(base_url=live, timeout=60) as http:
        deal = a_deal(seller.account_id, buyer.account_id, 4, price_fen_per_t=10_250)
        r = await signed_post(http, f"/v1/exchange/{ex}/settlements", key, secret, deal)
        assert r.status_code == 201, r.text
        ops = bearer((await staff_login(http, db, Role.OPERATIONS))["access_token"])
        admin = bearer((await staff_login(http, db, Role.ADMIN))["access_token"])
        body = {
            "notice_id": "green-travel-2027",
            "kind": "policy",
            "title": "绿色出行积分政策",
            "body": "地铁、公交和共享单车出行计入减排。\n第二段。",
            "effective_from": str(today - timedelta(days=1)),
        }
        assert (await http.post("/v1/admin/notices", json=body, headers=ops)).is_success
        r = await http.post("/v1/admin/notices/green-travel-2027/versions/1/publish", headers=admin)
        assert r.is_success, r.text
        await reference_price(db)
        cp = await checkpoint.run(db, utcnow() + timedelta(days=1))  # closes today
        public = {
            name: (await http.get(f"/v1/public/{name}")).json()
            for name in ("projects", "issuances", "retirements", "reviews", "stats")
        }
    public["checkpoint"] = cp
    return public


SECTIONS = (
    "#d-projects-list li[data-project]",
    "#d-issuances-list li[data-issuance]",
    "#d-retirements-list li[data-retirement]",
    "#d-notices-list li[data-notice]",
    "#d-checkpoints-table tr[data-day]",
    "#d-methods-list li[data-methodology]",
    "#d-reviews-list li[data-review]",
    "#market-chart svg rect[data-volume]",
    "#d-stats-chart svg",
)


async def _open(
    browser, live: str, viewport: dict[str, int], sections: tuple[str, ...] = SECTIONS
) -> tuple[Any, Any, Any, list[str]]:
    context = await browser.new_context(viewport=viewport, locale="zh-CN")
    page = await context.new_page()
    off_site, errors = await _watch(page, live)
    await page.goto(live + "/disclosure")
    for selector in sections:
        await page.wait_for_selector(selector, state="attached", timeout=WAIT)
    await page.wait_for_load_state("networkidle")
    return context, page, off_site, errors


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360", "1280"])
async def test_every_section_shows_real_data(
    live, db, settings, demo, browser, shots, viewport
) -> None:
    world = await _world(live, db, settings)
    context, page, off_site, errors = await _open(browser, live, viewport)

    project = world["projects"]["items"][0]
    assert project["district"] == "xuanwu"
    await page.wait_for_selector(f"[data-project='{project['code']}'] >> text=玄武区", timeout=WAIT)
    assert project["code"] in await page.inner_text(f"[data-project='{project['code']}']")
    issuance = world["issuances"]["items"][0]
    shown = await page.inner_text(f"[data-issuance='{issuance['issuance_id']}']")
    assert issuance["serial_range"] in shown
    retired = world["retirements"]["items"][0]
    assert retired["retirement_id"] == demo["registry"]["retirement"]["retirement_id"]
    item = page.locator(f"[data-retirement='{retired['retirement_id']}']")
    assert retired["beneficiary"] in await item.inner_text()
    pdf = await item.locator("a.pdf-link").get_attribute("href")
    assert pdf == demo["registry"]["retirement"]["certificate_pdf"]
    assert (
        await item.locator("a.page-link").get_attribute("href")
        == (demo["registry"]["retirement"]["page"])
    )
    async with httpx.AsyncClient(base_url=live, timeout=60) as http:  # a real certificate
        r = await http.get(pdf)
        assert r.status_code == 200 and r.content.startswith(b"%PDF")

    notice = await page.inner_text("[data-notice='green-travel-2027']")
    assert "绿色出行积分政策" in notice and "政策" in notice
    cp = world["checkpoint"]
    row = await page.inner_text(f"#d-checkpoints-table tr[data-day='{cp.day}']")
    assert cp.merkle_root in row
    assert await page.locator("#d-methods-list li[data-methodology]").count() >= 1
    reviews = world["reviews"]["items"]
    panel = next(r for r in reviews if r["subject_kind"] == "project")  # the forest project's
    text = await page.inner_text(f"[data-review='{panel['review_id']}']")
    assert f"{panel['panel_size']} 位专家：同意 {panel['votes']['approve']}" in text
    assert "通过" in text and panel["subject"] and panel["subject"] in text  # its code, title
    legacy = next(r for r in reviews if r["panel_size"] == 0)  # published before reviews existed
    text = await page.inner_text(f"[data-review='{legacy['review_id']}']")
    assert "位专家" not in text and legacy["summary"] in text
    assert "100.00" in await page.inner_text("#market-reference")  # the reference price, yuan/t
    volumes = await page.eval_on_selector_all(
        "#market-chart svg rect[data-volume]", "els => els.map(e => +e.dataset.volume)"
    )
    assert len(volumes) == 30 and volumes[-1] == 4 and sum(volumes) == 4  # today's deal
    price = await page.text_content("#market-chart svg circle title")
    assert price is not None and "102.50" in price  # its price, yuan/t
    assert await page.locator("#market-pool [data-balance]").count() == 1
    stats = world["stats"]
    assert await page.get_attribute("#d-reduction", "data-grams") == str(stats["reduction_g"])
    drawn = await page.eval_on_selector_all(
        "#d-stats-chart rect[data-grams]", "els => els.reduce((a, e) => a + +e.dataset.grams, 0)"
    )
    assert drawn == sum(r["reduction_g"] for r in stats["by_day_and_mode"]) > 0

    name = viewport["width"]
    await page.screenshot(path=shots / f"disclosure-{name}.png", full_page=True)
    if viewport == PHONE:
        await _no_overflow(page)
    assert off_site.requests == [] and errors == [], (off_site.requests, errors)
    await context.close()


async def test_the_english_toggle(live, db, settings, demo, browser, shots) -> None:
    await _world(live, db, settings)
    context, page, off_site, errors = await _open(browser, live, PHONE)
    assert "信息公开" in await page.inner_text("header h1")
    await page.click("#lang-toggle")
    assert await page.inner_text("header h1") == "Carbon inclusion disclosure"
    assert await page.get_attribute("html", "lang") == "en"
    assert "Registered projects" in await page.inner_text("#d-projects-h")
    assert "Xuanwu" in await page.inner_text("#d-projects-list")  # districts by name
    assert "Daily ledger checkpoints" in await page.inner_text("#d-checkpoints-h")
    assert "Certificate (PDF)" in await page.inner_text("#d-retirements-list")
    assert "Policy" in await page.inner_text("#d-notices-list")
    assert "Carbon-inclusion market" in await page.inner_text("#market-h")
    assert "Metro" in await page.inner_text("#d-stats-chart")
    await page.click("#d-checkpoints summary")
    assert "puhui verify" in await page.inner_text("#d-checkpoints details")
    await page.screenshot(path=shots / "disclosure-360-en.png", full_page=True)
    await _no_overflow(page)
    await page.click("#lang-toggle")
    assert "信息公开" in await page.inner_text("header h1")
    assert off_site.requests == [] and errors == [], (off_site.requests, errors)
    await context.close()


async def test_the_district_filter(live, demo, browser) -> None:
    async with httpx.AsyncClient(base_url=live, timeout=60) as http:
        codes = [d["code"] for d in (await http.get("/v1/public/districts")).json()]
        cut = {c: (await http.get(f"/v1/public/stats?district={c}")).json() for c in codes}
        city = (await http.get("/v1/public/stats")).json()
    code = next(c for c in codes if cut[c]["reduction_g"] > 0)  # the demo's journeys' origin
    assert cut[code]["reduction_g"] <= city["reduction_g"]
    context, page, off_site, errors = await _open(browser, live, PHONE, ("#d-stats-chart svg",))
    await page.wait_for_selector("#d-district option[value='" + code + "']", state="attached")
    assert await page.get_attribute("#d-reduction", "data-grams") == str(city["reduction_g"])
    await page.select_option("#d-district", code)
    await page.wait_for_selector(f"#d-totals[data-district='{code}']", timeout=WAIT)
    assert await page.get_attribute("#d-reduction", "data-grams") == str(cut[code]["reduction_g"])
    drawn = await page.eval_on_selector_all(
        "#d-stats-chart rect[data-grams]", "els => els.reduce((a, e) => a + +e.dataset.grams, 0)"
    )
    assert drawn == sum(r["reduction_g"] for r in cut[code]["by_day_and_mode"])
    await page.select_option("#d-district", "")
    await page.wait_for_selector("#d-totals[data-district='']", timeout=WAIT)
    assert await page.get_attribute("#d-reduction", "data-grams") == str(city["reduction_g"])
    assert off_site.requests == [] and errors == [], (off_site.requests, errors)
    await context.close()


async def test_disclosure_page_headers(live) -> None:
    async with httpx.AsyncClient(base_url=live, timeout=60) as http:
        r = await http.get("/disclosure")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "style-src 'self'" in csp
        assert "connect-src 'self'" in csp
        assert "<script>" not in r.text and " style=" not in r.text
        for asset in ("disclosure.js", "disclosure-registry.js", "disclosure-ledger.js"):
            assert (await http.get(f"/static/{asset}")).status_code == 200
