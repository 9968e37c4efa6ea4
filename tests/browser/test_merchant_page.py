"""The merchant page (/merchant) in a real Chromium: sign in, redeem by code and by camera, today's
list, language, 360 px layout, same-origin only, page weight.

Drives the Debian Chromium at /usr/bin/chromium through Playwright (no `playwright install`).
Screenshots of each state go to test-output/screenshots/merchant-*.png.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from domain.identity.principal import Role
from tests.browser.merchant import (
    expect,
    layout_shift,
    no_horizontal_scroll,
    open_page,
    redeem_code,
    shot,
    sign_in,
)
from tests.economy import make_offer
from tests.helpers import PASSWORD, make_merchant, make_staff


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
