"""Shared pieces of the merchant page's browser tests: a merchant world, page helpers."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from domain.identity.principal import Role
from tests.browser.conftest import PHONE, SHOTS
from tests.economy import give_points, make_offer, make_store
from tests.helpers import PASSWORD, make_merchant, make_staff

playwright_api = pytest.importorskip("playwright.async_api")
expect = playwright_api.expect

STATIC = Path(__file__).resolve().parents[2] / "api" / "web" / "static"
WAIT_MS = 10_000


class Counter:
    """A merchant with a store, a live offer, a cashier account and vouchers to redeem."""

    def __init__(self, base: str, db) -> None:
        self.base = base
        self.db = db
        self.http = httpx.AsyncClient(base_url=base, timeout=10)

    async def setup(self) -> Counter:
        self.merchant = await make_merchant(self.db, "Lakeside Tea")
        self.store = await make_store(self.db, self.merchant, "Xinjiekou")
        self.offer = await make_offer(self.db, self.merchant, price=80)
        self.username = f"till-{uuid.uuid4().hex[:6]}"
        await make_staff(self.db, self.username, Role.MERCHANT, self.merchant, self.store)
        r = await self.http.post("/v1/auth/dev", json={"openid": f"o-{uuid.uuid4().hex}"})
        self.citizen = r.json()
        await give_points(self.db, self.citizen["citizen_id"], 1000)
        return self

    async def voucher(self, offer: str | None = None) -> dict[str, Any]:
        r = await self.http.post(
            "/v1/me/vouchers",
            json={"offer_id": offer or self.offer},
            headers={
                "Authorization": f"Bearer {self.citizen['access_token']}",
                "Idempotency-Key": uuid.uuid4().hex,
            },
        )
        assert r.status_code == 201, r.text
        return r.json()


class Watch:
    """Every request URL and every console error or uncaught exception of a page."""

    def __init__(self, page) -> None:
        self.urls: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda req: self.urls.append(req.url))
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        page.on("console", self._console)

    def _console(self, msg) -> None:
        # the API's 4xx answers are logged by Chromium as failed loads: expected here
        if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
            self.errors.append(f"console: {msg.text}")

    def foreign(self, base: str) -> list[str]:
        own = (base + "/", "data:", "blob:")
        return [u for u in self.urls if not u.startswith(own)]


async def open_page(browser, base: str, **context: Any) -> tuple[Any, Any, Watch]:
    ctx = await browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, **context
    )
    page = await ctx.new_page()
    page.set_default_timeout(WAIT_MS)
    watch = Watch(page)
    await page.goto(base + "/merchant")
    return ctx, page, watch


async def sign_in(page, username: str, password: str = PASSWORD) -> None:
    await page.fill("#login-username", username)
    await page.fill("#login-password", password)
    await page.click("#login-submit")
    await expect(page.locator("#code-input")).to_be_visible()


async def redeem_code(page, code: str, outcome: str) -> Any:
    await page.fill("#code-input", code)
    await page.click("#code-submit")
    result = page.locator("#result")
    await expect(result).to_have_attribute("data-outcome", outcome)
    return result


async def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"merchant-{name}.png"), full_page=True)


async def no_horizontal_scroll(page) -> None:
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, width


async def layout_shift(page) -> float:
    """Cumulative layout shift not caused by the user's own input, so far."""
    return await page.evaluate(
        """() => new Promise((resolve) => {
            let total = 0;
            new PerformanceObserver((list) => {
                for (const e of list.getEntries()) if (!e.hadRecentInput) total += e.value;
            }).observe({ type: "layout-shift", buffered: true });
            setTimeout(() => resolve(total), 100);
        })"""
    )


# ---- tests -----------------------------------------------------------------------------------
