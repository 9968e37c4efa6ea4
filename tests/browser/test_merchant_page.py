"""The merchant page (/merchant) in a real Chromium: sign in, redeem by code and by camera, today's
list, language, 360 px layout, same-origin only, page weight.

Drives the Debian Chromium at /usr/bin/chromium through Playwright (no `playwright install`).
Screenshots of each state go to test-output/screenshots/merchant-*.png.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from domain.identity.principal import Role
from domain.vouchers.qr import qr_png
from tests.browser.conftest import CHROMIUM, PHONE, SHOTS, _need_chromium
from tests.economy import give_points, make_offer, make_store
from tests.helpers import PASSWORD, make_merchant, make_staff

playwright_api = pytest.importorskip("playwright.async_api")
expect = playwright_api.expect

STATIC = Path(__file__).resolve().parents[2] / "api" / "web" / "static"
WAIT_MS = 10_000


# ---- fixtures: `live` (a real server with the demo data) and `browser` come from conftest.py ---


@pytest.fixture
async def pw() -> AsyncIterator[Any]:
    """Playwright itself, for a Chromium launched with a fake camera."""
    async with playwright_api.async_playwright() as p:
        yield p


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


@pytest.fixture
async def counter(live, db) -> AsyncIterator[Counter]:
    c = await Counter(live, db).setup()
    yield c
    await c.http.aclose()


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


async def test_a_cashier_signs_in_redeems_by_code_and_sees_repeats_and_unknown_codes(
    browser, counter
):
    base = counter.base
    first, second = await counter.voucher(), await counter.voucher()
    csp = (await counter.http.get("/merchant")).headers["content-security-policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    ctx, page, watch = await open_page(browser, base)
    try:
        await expect(page.locator("#login-submit")).to_be_visible()
        assert await page.get_attribute("html", "data-auth") == "out"
        await no_horizontal_scroll(page)
        assert await layout_shift(page) == 0
        await shot(page, "login")

        await sign_in(page, counter.username)
        await expect(page.locator("#who")).to_contain_text(counter.username)
        await expect(page.locator("#today-count")).to_have_text("0")
        await shot(page, "signed-in")

        # typed the forgiving way: lower case, a space instead of the dash
        typed = first["code"].lower().replace("-", " ")
        result = await redeem_code(page, typed, "redeemed")
        await expect(result).to_contain_text("Green tea")
        await expect(result).to_contain_text("Xinjiekou")
        await expect(result).to_contain_text("已核销")
        await expect(page.locator("#today-count")).to_have_text("1")
        await expect(page.locator("#today-points")).to_have_text("80")
        await expect(page.locator("#today-list li")).to_have_count(1)
        await expect(page.locator("#today-list")).to_contain_text("Green tea")
        await expect(page.locator("#code-input")).to_have_value("")
        await no_horizontal_scroll(page)
        await shot(page, "redeemed")

        result = await redeem_code(page, first["code"], "already_redeemed")
        await expect(result).to_contain_text("Xinjiekou")
        await expect(result).to_contain_text("已被核销")
        await expect(page.locator("#today-count")).to_have_text("1")
        await shot(page, "already-redeemed")

        await redeem_code(page, "ZZZZZ-ZZZZZ", "unknown")
        await shot(page, "unknown")
        await redeem_code(page, "not a code!", "invalid")
        await shot(page, "invalid")

        await redeem_code(page, second["code"], "redeemed")
        await expect(page.locator("#today-count")).to_have_text("2")
        await expect(page.locator("#today-points")).to_have_text("160")

        # the session survives a reload; the list is loaded again
        await page.reload()
        assert await page.get_attribute("html", "data-auth") == "in"
        await expect(page.locator("#today-count")).to_have_text("2")
        assert await layout_shift(page) == 0

        assert watch.foreign(base) == [], watch.foreign(base)
        assert not any("/vendor/" in u for u in watch.urls), "jsQR must load only for the camera"
        assert watch.errors == [], watch.errors  # includes CSP violations
    finally:
        await ctx.close()


async def test_redeem_outcomes_for_other_merchants_expired_and_cancelled_vouchers(browser, counter):
    from datetime import timedelta

    from sqlalchemy import update

    from domain.clock import utcnow
    from domain.persistence.tables import Voucher

    other = await make_merchant(counter.db, "Other shop")
    foreign = await counter.voucher(await make_offer(counter.db, other))
    expired, cancelled, wedge = [await counter.voucher() for _ in range(3)]
    async with counter.db.unit_of_work() as uow:
        await uow.session.execute(
            update(Voucher)
            .where(Voucher.id == expired["voucher_id"])
            .values(expires_at=utcnow() - timedelta(minutes=1))
        )
    r = await counter.http.post(
        f"/v1/me/vouchers/{cancelled['voucher_id']}/cancel",
        headers={"Authorization": f"Bearer {counter.citizen['access_token']}"},
    )
    assert r.status_code == 200, r.text
    ctx, page, watch = await open_page(browser, counter.base)
    try:
        await sign_in(page, counter.username)
        await redeem_code(page, foreign["code"], "not_yours")
        await shot(page, "not-yours")
        await redeem_code(page, expired["code"], "expired")
        await shot(page, "expired")
        await redeem_code(page, cancelled["code"], "cancelled")
        await shot(page, "cancelled")
        await expect(page.locator("#today-count")).to_have_text("0")
        # a hand-held scanner typing into the code field sends the whole token
        await redeem_code(page, "PH1.garbage.more", "invalid")
        await redeem_code(page, wedge["token"], "redeemed")
        await expect(page.locator("#today-count")).to_have_text("1")
        assert watch.errors == [], watch.errors
    finally:
        await ctx.close()


async def test_a_lost_answer_is_retried_with_the_same_nonce_and_gets_the_first_answer(
    browser, counter
):
    voucher = await counter.voucher()
    ctx, page, _ = await open_page(browser, counter.base)
    bodies: list[dict[str, Any]] = []

    async def lose_first_answer(route) -> None:
        if route.request.method != "POST":
            await route.continue_()
            return
        bodies.append(json.loads(route.request.post_data))
        if len(bodies) == 1:
            response = await route.fetch()  # the server redeems...
            assert response.status == 200
            await route.abort("connectionreset")  # ...but the answer never arrives
        else:
            await route.continue_()

    try:
        await sign_in(page, counter.username)
        await page.route(re.compile(r".*/v1/merchant/redemptions$"), lose_first_answer)
        await redeem_code(page, voucher["code"], "redeemed")
        assert len(bodies) == 2
        assert bodies[0] == bodies[1] and bodies[0]["nonce"]
        await expect(page.locator("#today-count")).to_have_text("1")
        await page.unroute(re.compile(r".*/v1/merchant/redemptions$"))
        # a new scan of the same voucher is a new nonce: the server says it is spent
        await redeem_code(page, voucher["code"], "already_redeemed")
    finally:
        await ctx.close()


async def test_the_language_toggle_switches_labels_and_is_remembered(browser, counter):
    ctx, page, watch = await open_page(browser, counter.base)
    try:
        label = page.locator("label[for=login-username]")
        await expect(label).to_have_text("用户名")
        await page.click("#lang-toggle")
        await expect(label).to_have_text("Username")
        await expect(page.locator("#login-submit")).to_have_text("Sign in")
        assert await page.get_attribute("html", "lang") == "en"
        await shot(page, "login-en")

        await sign_in(page, counter.username)
        await expect(page.locator("label[for=code-input]")).to_have_text("Or type the voucher code")
        await redeem_code(page, "ZZZZZ-ZZZZZ", "unknown")
        await expect(page.locator("#result")).to_contain_text("Unknown code")
        await no_horizontal_scroll(page)
        await shot(page, "unknown-en")

        await page.reload()
        await expect(page.locator("label[for=code-input]")).to_have_text("Or type the voucher code")
        await page.click("#lang-toggle")
        await expect(page.locator("label[for=code-input]")).to_have_text("或输入券码")
        assert await page.get_attribute("html", "lang") == "zh-CN"
        assert watch.errors == [], watch.errors
    finally:
        await ctx.close()


async def test_wrong_password_non_merchant_accounts_and_sign_out(browser, counter):
    admin = f"admin-{uuid.uuid4().hex[:6]}"
    await make_staff(counter.db, admin, Role.ADMIN)
    ctx, page, _ = await open_page(browser, counter.base)
    try:
        await page.fill("#login-username", counter.username)
        await page.fill("#login-password", "wrong password")
        await page.click("#login-submit")
        await expect(page.locator("#login-error")).to_have_text("用户名或密码错误")
        await shot(page, "login-failed")

        await page.fill("#login-username", admin)
        await page.fill("#login-password", PASSWORD)
        await page.click("#login-submit")
        await expect(page.locator("#login-error")).to_have_text("此账号不是商户收银员账号")
        assert await page.get_attribute("html", "data-auth") == "out"

        await sign_in(page, counter.username)
        stored = await page.evaluate("localStorage.getItem('ph.session.merchant')")
        refresh_token = json.loads(stored)["refresh_token"]
        await page.click("#logout")
        await expect(page.locator("#login-submit")).to_be_visible()
        assert await page.evaluate("localStorage.getItem('ph.session.merchant')") is None
        await page.wait_for_load_state("networkidle")
        r = await counter.http.post("/v1/auth/refresh", json={"refresh_token": refresh_token})
        assert r.status_code == 401, r.text
    finally:
        await ctx.close()


async def test_the_page_is_small_same_origin_and_accessible():
    # page weight: everything loaded up front (jsQR is lazy and excluded)
    names = ["merchant.html", "merchant.js", "merchant.css", "common.js", "common.css"]
    weight = sum((STATIC / n).stat().st_size for n in names)
    assert weight < 60_000, weight
    html = (STATIC / "merchant.html").read_text()
    assert "<style" not in html and "style=" not in html
    assert re.findall(r"<script\b[^>]*>", html) == [
        '<script src="/static/common.js">',
        '<script src="/static/merchant.js">',
    ]
    assert "http://" not in html and "https://" not in html
    for id_ in ["code-input", "login-username", "login-password"]:
        assert f'<label for="{id_}"' in html
    assert 'id="result"' in html and 'aria-live="polite"' in html
    vendor = STATIC / "vendor"
    assert {"jsQR.js", "jsQR.LICENSE.txt", "README.md"} <= {p.name for p in vendor.iterdir()}
    import hashlib

    digest = hashlib.sha256((vendor / "jsQR.js").read_bytes()).hexdigest()
    assert digest in (vendor / "README.md").read_text()


# ---- camera: Chromium's fake capture device plays a y4m file showing a voucher's QR ---------


def _y4m_of_png(png: bytes, path: Path, width: int = 640, height: int = 480) -> None:
    """Write a few 4:2:0 frames with the (greyscale) PNG centred on white."""
    import png as pypng

    w, h, rows, info = pypng.Reader(bytes=png).asDirect()
    planes = info["planes"]
    bitdepth = info["bitdepth"]
    scale = 255 // ((1 << bitdepth) - 1)
    y = bytearray([235]) * (width * height)
    x0, y0 = (width - w) // 2, (height - h) // 2
    assert x0 >= 0 and y0 >= 0, (w, h)
    for j, row in enumerate(rows):
        line = bytes(16 + (v * scale * 219) // 255 for v in list(row)[::planes])
        y[(y0 + j) * width + x0 : (y0 + j) * width + x0 + w] = line
    chroma = bytes([128]) * (width * height // 4)
    with path.open("wb") as f:
        f.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(10):
            f.write(b"FRAME\n" + bytes(y) + chroma + chroma)


async def test_a_voucher_shown_to_the_camera_is_redeemed(pw, counter, tmp_path):
    _need_chromium()
    voucher = await counter.voucher()
    video = tmp_path / "voucher.y4m"
    _y4m_of_png(qr_png(voucher["token"]), video)
    browser = await pw.chromium.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[
            "--no-sandbox",
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    try:
        ctx, page, watch = await open_page(browser, counter.base, permissions=["camera"])
        await sign_in(page, counter.username)
        native = await page.evaluate("'BarcodeDetector' in window")
        await page.click("#scan-start")
        await expect(page.locator("#result")).to_have_attribute("data-outcome", "redeemed")
        await expect(page.locator("#today-count")).to_have_text("1")
        await expect(page.locator("#scan-start")).to_have_text("停止扫码")
        await shot(page, "camera-redeemed")
        # the same QR held in front of the camera is not scanned again and again
        await page.wait_for_timeout(1500)
        await expect(page.locator("#result")).to_have_attribute("data-outcome", "redeemed")
        loaded_jsqr = any(u.endswith("/static/vendor/jsQR.js") for u in watch.urls)
        assert loaded_jsqr != native  # jsQR only where BarcodeDetector is missing
        await page.click("#scan-start")
        await expect(page.locator("#scan-start")).to_have_text("开始扫码")
        assert watch.foreign(counter.base) == []
        assert watch.errors == [], watch.errors
        await ctx.close()
    finally:
        await browser.close()
