"""The interactive API docs (/schema) work without the internet: Chromium aborts every request to
another origin, and Swagger UI, served by the service from the swagger-ui-py package, still
renders every operation of /schema/openapi.json, under a strict CSP without violations."""

from __future__ import annotations

import httpx

from api.openapi_assets import BUNDLE
from tests.browser.conftest import OffSite

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
WAIT = 60_000  # ms: the bundle is a megabyte and the document a few hundred operations


async def _operations(live: str) -> set[tuple[str, str]]:
    async with httpx.AsyncClient(base_url=live, timeout=60) as http:
        doc = (await http.get("/schema/openapi.json")).json()
    return {(m, path) for path, item in doc["paths"].items() for m in item if m in METHODS}


async def test_the_docs_render_every_operation_with_no_internet(live, browser, shots) -> None:
    expected = await _operations(live)
    assert len(expected) > 50
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    off_site, errors, blocked = OffSite(live), [], []
    page.on("request", off_site)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    async def no_internet(route) -> None:
        if route.request.url.startswith(live):
            await route.continue_()
        else:
            blocked.append(route.request.url)
            await route.abort("internetdisconnected")

    await page.route("**/*", no_internet)
    await page.goto(live + "/schema")
    await page.wait_for_selector(".opblock", timeout=WAIT)
    shown = await page.eval_on_selector_all(
        ".opblock",
        """els => els.map(e => [
             e.querySelector('.opblock-summary-method').textContent.trim().toLowerCase(),
             e.querySelector('.opblock-summary-path').dataset.path])""",
    )
    rendered = {(m, p) for m, p in shown}
    assert rendered == expected, (expected - rendered, rendered - expected)
    assert "Puhui API" in await page.inner_text(".info .title")
    await page.screenshot(path=shots / "docs-offline-1280.png")
    assert blocked == [] and off_site.requests == []
    assert errors == [], errors
    await context.close()


async def test_the_docs_page_and_assets_are_ours(live) -> None:
    async with httpx.AsyncClient(base_url=live, timeout=60) as http:
        for path in ("/schema", "/schema/swagger"):
            r = await http.get(path)
            assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
            csp = r.headers["content-security-policy"]
            assert "script-src 'self'" in csp and "style-src 'self'" in csp
            assert "<script>" not in r.text and "<style" not in r.text and "http" not in r.text
            page = r.text
        for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-standalone-preset.js"):
            r = await http.get(f"{BUNDLE}/{asset}")  # under the package's version: kept a year
            assert r.status_code == 200, asset
            assert "max-age=31536000" in r.headers["cache-control"]
            assert f"{BUNDLE}/{asset}" in page
        for asset in ("docs.js", "docs.css"):  # ours: revalidated, like /static
            r = await http.get(f"/schema/assets/{asset}")
            assert r.status_code == 200 and "no-cache" in r.headers["cache-control"], asset
        assert (await http.get("/schema/assets/nope.js")).status_code == 404
        assert (await http.get(f"{BUNDLE}/nope.js")).status_code == 404
