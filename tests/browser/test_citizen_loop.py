"""The whole loop in a real browser: a citizen logs in, consents, links the demo metro card,
simulates a trip and sees the points arrive live, buys a voucher and opens its QR code; a cashier
redeems it by code and a second redemption is refused."""

from __future__ import annotations

import re
import uuid

from tests.browser.conftest import PHONE, OffSite

WAIT = 15_000  # ms


async def _visible(page, selector: str) -> None:
    await page.wait_for_selector(selector, state="visible", timeout=WAIT)


async def _balance(page) -> int:
    return int((await page.text_content("#balance")).replace(",", ""))


async def test_citizen_earns_buys_and_a_cashier_redeems_once(live, demo, browser, shots):
    # bypass_csp lets Playwright evaluate its waits; test_pages_keep_their_csp checks the pages
    # themselves run under the policy
    context = await browser.new_context(viewport=PHONE, locale="zh-CN", bypass_csp=True)
    page = await context.new_page()
    offsite = OffSite(live)
    page.on("request", offsite)
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text))

    await page.goto(live + "/")
    await _visible(page, "#view-login")
    await page.screenshot(path=shots / "citizen-1-login.png")
    await page.fill("#openid", f"browser-{uuid.uuid4().hex[:8]}")
    await page.click("#dev-login")
    await _visible(page, "#view-consent")
    await page.screenshot(path=shots / "citizen-2-consent.png")
    await page.click("#consent-accept")
    await _visible(page, "#view-home")
    await page.wait_for_function("document.querySelector('#balance').textContent === '0'")

    # link the demo metro card through a binding code
    metro = next(o for o in demo["operators"] if o["kind"] == "metro")
    await page.click("#tabs button[data-view='me']")
    await page.wait_for_selector(
        f"#link-operator option[value='{metro['operator_id']}']", state="attached"
    )
    await page.select_option("#link-operator", metro["operator_id"])
    await page.click("#link-code")
    await _visible(page, "#binding-code")
    assert re.fullmatch(r"\d{8}", (await page.text_content("#binding-code")).strip())
    await page.screenshot(path=shots / "citizen-3-binding-code.png")
    await page.click("#link-demo")
    await page.wait_for_selector("#bindings li", timeout=WAIT)
    assert "****" in await page.text_content("#bindings")

    # simulate trips: points arrive live, without a reload
    await page.click("#tabs button[data-view='home']")
    await _visible(page, "#simulate")
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    await page.click("#simulate")
    await page.wait_for_function(
        "Number(document.querySelector('#balance').textContent.replace(/,/g, '')) > 0",
        timeout=WAIT,
    )
    assert navigations == []  # the balance changed by a live event, not a page load
    assert console == [], console
    earned = await _balance(page)
    assert earned >= 100
    await page.wait_for_function("document.querySelector('#today-g').textContent !== '0 g'")
    await page.screenshot(path=shots / "citizen-4-points-arrived.png")
    await page.click("#tabs button[data-view='trips']")
    await page.wait_for_selector("#trips li", timeout=WAIT)
    await page.screenshot(path=shots / "citizen-5-trips.png")

    # buy the Americano and open its QR code full screen
    await page.click("#tabs button[data-view='rewards']")
    offer = page.locator("#offers li", has_text="Americano")
    await offer.locator("button.buy").click()
    await _visible(page, "#qr")
    await page.wait_for_function("document.querySelector('#qr-img').naturalWidth > 0", timeout=WAIT)
    code = (await page.text_content("#qr-code")).strip()
    assert re.fullmatch(r"[0-9A-Z]{5}-[0-9A-Z]{5}", code)
    await page.screenshot(path=shots / "citizen-6-voucher-qr.png")
    await page.click("#qr-close")
    await page.click("#tabs button[data-view='home']")
    left = earned - 100
    await page.wait_for_function(
        f"Number(document.querySelector('#balance').textContent.replace(/,/g, '')) === {left}"
    )
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # the cashier redeems it by code; a second time is refused
    cashier = next(s for s in demo["staff"] if s["username"] == "cashier")
    till = await context.new_page()
    till.on("request", offsite)
    await till.goto(live + "/merchant")
    await _visible(till, "#login-username")
    await till.fill("#login-username", cashier["username"])
    await till.fill("#login-password", cashier["password"])
    await till.click("#login-submit")
    await _visible(till, "#code-input")
    await till.fill("#code-input", code)
    await till.click("#code-submit")
    await till.wait_for_selector("#result[data-outcome='redeemed']", timeout=WAIT)
    await till.screenshot(path=shots / "merchant-1-redeemed.png")
    await till.fill("#code-input", code)
    await till.click("#code-submit")
    await till.wait_for_selector("#result[data-outcome='already_redeemed']", timeout=WAIT)
    assert "Xinjiekou" in await till.text_content("#result")
    await till.screenshot(path=shots / "merchant-2-refused.png")

    # the citizen's voucher list shows it used
    await page.click("#tabs button[data-view='rewards']")
    await page.wait_for_selector("#vouchers li .pill.warn", timeout=WAIT)
    await page.screenshot(path=shots / "citizen-7-voucher-used.png")
    assert offsite.requests == []
    await context.close()
