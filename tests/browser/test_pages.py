"""Every page under its real Content-Security-Policy: no violations, nothing fetched from another
origin, under 200 KB transferred, no horizontal scroll at 360 px, no layout shift on load."""

from __future__ import annotations

import pytest

from tests.browser.conftest import PHONE, OffSite

BUDGET = 200 * 1024

# cumulative layout shift so far (the browser buffers the entries from the start of the load)
CLS = """() => new Promise((done) => {
  let total = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (!e.hadRecentInput) total += e.value;
  }).observe({ type: "layout-shift", buffered: true });
  setTimeout(() => done(total), 300);
})"""


@pytest.mark.parametrize("path", ["/", "/merchant", "/admin", "/org", "/disclosure"])
async def test_page_is_self_contained_small_and_steady(live, browser, shots, path):
    context = await browser.new_context(viewport=PHONE)
    page = await context.new_page()
    offsite = OffSite(live)
    page.on("request", offsite)
    problems: list[str] = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    sizes: list[int] = []

    async def on_response(response):
        try:
            sizes.append(len(await response.body()) + 300)  # body plus a generous header estimate
        except Exception:  # a redirect or aborted load has no body
            sizes.append(300)

    page.on("response", on_response)
    await page.goto(live + path, wait_until="networkidle")
    await page.wait_for_timeout(200)
    name = path.strip("/") or "citizen"
    await page.screenshot(path=shots / f"page-{name}-360.png")

    assert problems == [], problems  # CSP violations and script errors surface here
    assert offsite.requests == []
    assert sum(sizes) < BUDGET, sizes
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert await page.evaluate(CLS) < 0.05
    await context.close()
