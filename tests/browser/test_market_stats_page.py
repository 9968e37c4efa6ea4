"""The public market section of /org (#market-stats, market.js) in headless Chromium: today's
trades drawn as an SVG bar with the average price, the reference price and the fund pool, for a
visitor who is not signed in; nothing from another origin, no script errors."""

from __future__ import annotations

from typing import Any

import httpx

from domain.crypto import DataProtector
from tests.api.test_exchange_settlements import a_deal
from tests.browser.conftest import PHONE, OffSite
from tests.helpers import make_operator, signed_post
from tests.market_world import reference_price
from tests.registry_units import issued_units
from tests.registry_world import make_org


async def test_the_market_section_draws_the_days(live, db, settings, browser, shots) -> None:
    await reference_price(db)
    seller, buyer = await make_org(db), await make_org(db)
    await issued_units(db, seller, 10)
    ex, key, secret = await make_operator(db, DataProtector(settings.data_key), "exchange")
    async with httpx.AsyncClient(base_url=live) as http:
        deal = a_deal(seller.account_id, buyer.account_id, 4, price_fen_per_t=10_250)
        r = await signed_post(http, f"/v1/exchange/{ex}/settlements", key, secret, deal)
        assert r.status_code == 201, r.text

    page = await browser.new_page(viewport=PHONE)
    off_site, errors = OffSite(live), []
    page.on("request", off_site)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    await page.goto(live + "/org")
    bars = page.locator("#market-chart svg rect[data-volume]")
    await bars.first.wait_for(state="attached")
    volumes: list[Any] = await bars.evaluate_all("els => els.map(e => +e.dataset.volume)")
    assert len(volumes) == 30 and volumes[-1] == 4 and sum(volumes) == 4
    assert await page.locator("#market-chart svg circle").count() == 1  # one day with a price
    assert "100.00" in await page.locator("#market-reference").inner_text()
    assert await page.locator("#market-pool [data-balance]").get_attribute("data-balance") == "0"
    await page.locator("#market-stats").screenshot(path=str(shots / "org-market-stats.png"))
    assert off_site.requests == [] and errors == []
