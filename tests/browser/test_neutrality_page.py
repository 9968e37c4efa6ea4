"""Personal carbon neutrality in the citizen H5 (/) in headless Chromium at 360 px, against a real
server running the fake WeChat Pay as `make run` does (PUHUI_WECHATPAY=fake, its public base URL
the server's own, so the fake's payment notice comes back over a real socket): nothing for sale
is said plainly; once staff list the citizens' aggregated tonnes, a citizen signed in with dev
login buys 2 t (a double click orders once), pays with the demo payer, and sees the retirement
with its certificate and public record; then the same in English."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator

import httpx
import msgspec
import pytest

from api.app import create_app
from api.services import Services
from domain.identity.principal import Role
from domain.ledger.verify import verify_ledger
from domain.registry.accounts import PUBLIC_BEHAVIOUR
from tests.browser.conftest import PHONE
from tests.browser.test_org_page import _no_overflow, _watch
from tests.helpers import bearer, staff_login
from tests.live import free_port, serve
from tests.market_world import reference_price
from tests.payments import gateway_for
from tests.registry_units import issued_aggregation

WAIT = 20_000  # ms


@pytest.fixture
async def paying(settings) -> AsyncIterator[tuple[str, Services]]:
    """A real server with the in-process fake WeChat Pay, told its own address beforehand."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    app = create_app(msgspec.structs.replace(settings, wechatpay="fake", public_base_url=base))
    async with serve(app, port=port) as url:
        assert url == base
        yield url, app.state.services


async def _list_public_behaviour(live: str, db, tonnes: int, price: int) -> None:
    """Citizens' reductions issued to the public-behaviour account and listed by staff."""
    await reference_price(db)
    await issued_aggregation(db, tonnes)
    async with httpx.AsyncClient(base_url=live, timeout=30) as http:
        ops = bearer((await staff_login(http, db, Role.OPERATIONS))["access_token"])
        body = {"account": PUBLIC_BEHAVIOUR, "quantity": tonnes, "price_fen_per_t": price}
        r = await http.post("/v1/org/listings", json=body, headers=ops)
        assert r.status_code == 201, r.text


async def _signed_in(page, live: str) -> None:
    """A new citizen through the page's dev login and consent, on the home view."""
    await page.goto(live + "/")
    await page.wait_for_selector("#view-login", state="visible")
    await page.fill("#openid", f"neutral-{uuid.uuid4().hex[:8]}")
    await page.click("#dev-login")
    await page.wait_for_selector("#consent-accept", state="visible")
    await page.click("#consent-accept")
    await page.wait_for_selector("#view-home", state="visible")


async def _citizen_headers(page) -> dict[str, str]:
    session = json.loads(await page.evaluate("localStorage.getItem('ph.session.citizen')"))
    return bearer(session["access_token"])


async def test_a_citizen_buys_pays_and_sees_the_retirement(browser, paying, db, shots) -> None:
    live, services = paying
    context = await browser.new_context(viewport=PHONE, locale="zh-CN")
    page = await context.new_page()
    off_site, errors = await _watch(page, live)
    await _signed_in(page, live)

    # nothing listed yet: said plainly, no form
    await page.click("#tabs button[data-view='rewards']")
    await page.wait_for_selector("#nt-price:has-text('暂时没有可购买的减排量')", timeout=WAIT)
    assert await page.is_hidden("#nt-form")

    await _list_public_behaviour(live, db, 5, price=10_000)
    await page.click("#tabs button[data-view='home']")
    await page.click("#tabs button[data-view='rewards']")
    await page.wait_for_selector("#nt-price[data-price='10000']", timeout=WAIT)
    assert "¥100.00" in await page.inner_text("#nt-price")
    assert "5" in await page.inner_text("#nt-price")
    await page.fill("#nt-qty", "2")
    await page.fill("#nt-beneficiary", "小明的家庭")
    assert "¥200.00" in await page.inner_text("#nt-total")

    # a double click orders once (one Idempotency-Key for the intended purchase)
    await page.dblclick("#nt-buy")
    await page.wait_for_selector("#nt-order[data-status='pending'] #nt-pay-demo", timeout=WAIT)
    order_id = await page.get_attribute("#nt-order", "data-order-id")
    assert order_id and "¥200.00" in await page.inner_text("#nt-order")
    await page.wait_for_selector(f"#nt-orders li[data-order='{order_id}'][data-status='pending']")
    assert await page.locator("#nt-orders li").count() == 1
    await page.screenshot(path=str(shots / "citizen-neutral-1-order-360.png"), full_page=True)
    await _no_overflow(page)

    # the demo payer pays; the fake's notice reaches the server; the page follows the order
    await page.click("#nt-pay-demo")
    await page.wait_for_selector("#nt-order[data-status='delivered'] #nt-done", timeout=WAIT)
    assert "2 吨" in await page.inner_text("#nt-done")
    assert "小明的家庭" in await page.inner_text("#nt-order")
    await page.wait_for_selector(
        f"#nt-orders li[data-order='{order_id}'][data-status='delivered'] a.nt-cert"
    )
    await page.wait_for_selector("#nt-price:has-text('可购 3 吨')")  # 2 of the 5 t sold
    await page.screenshot(path=str(shots / "citizen-neutral-2-retired-360.png"), full_page=True)
    await _no_overflow(page)
    certificate = await page.get_attribute("#nt-order a.nt-cert", "href")
    public_page = await page.get_attribute("#nt-order a.nt-public", "href")
    assert public_page and public_page.startswith("/registry/retirements/")
    retirement_id = public_page.rsplit("/", 1)[-1]
    assert retirement_id in await page.inner_text("#nt-retirement")

    fake = services.fake_wechatpay
    assert fake is not None
    assert fake.orders[order_id].trade_state == "SUCCESS"
    assert [d.status for d in fake.deliveries] == [204]  # our notify endpoint took the notice

    me = await _citizen_headers(page)
    async with httpx.AsyncClient(base_url=live, timeout=30) as http:
        mine = (await http.get("/v1/me/neutrality/orders", headers=me)).json()
        assert [(o["order_id"], o["status"]) for o in mine] == [(order_id, "delivered")]
        assert (mine[0]["quantity"], mine[0]["amount_fen"]) == (2, 20_000)
        assert mine[0]["retirement_id"] == retirement_id
        assert mine[0]["certificate_url"] == certificate
        retired = (await http.get(f"/v1/public/retirements/{retirement_id}")).json()
        assert (retired["quantity"], retired["purpose"], retired["beneficiary"]) == (
            2,
            "carbon_neutrality",
            "小明的家庭",
        )
        pdf = await http.get(certificate)
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        shown = await http.get(public_page)
        assert shown.status_code == 200 and shown.headers["content-type"].startswith("text/html")
        left = [
            x
            for x in (await http.get("/v1/market/listings")).json()
            if x["account"] == PUBLIC_BEHAVIOUR
        ]
        assert [x["available"] for x in left] == [3]
    async with db.unit_of_work() as uow:
        assert (await verify_ledger(uow)).ok

    # English, with the page's toggle
    await page.click("#lang-toggle")
    await page.wait_for_selector("#neutral-card h2:text-is('Go carbon neutral')")
    await page.wait_for_selector("#nt-order #nt-done:has-text('2 t CO2e retired for you')")
    await page.wait_for_selector("#nt-price:has-text('¥100.00 per tonne (3 t available)')")
    assert await page.inner_text("#nt-buy") == "Buy and retire"
    row = page.locator(f"#nt-orders li[data-order='{order_id}'] .pill:text-is('retired')")
    await row.wait_for()
    link = page.locator(f"#nt-orders li[data-order='{order_id}'] a.nt-cert")
    assert await link.inner_text() == "Certificate (PDF)"
    await page.screenshot(path=str(shots / "citizen-neutral-3-english-360.png"), full_page=True)

    assert errors == [], errors  # script errors and CSP violations surface here
    assert off_site.requests == []
    await context.close()


# Inside WeChat: wx.requestPayment, recorded; the test answers for the payer
WX = """window.wx = { requestPayment(options) { window.__wxPay.push(options); } };
window.__wxPay = [];"""


async def test_inside_wechat_the_page_calls_request_payment(browser, paying, db) -> None:
    live, _ = paying
    await _list_public_behaviour(live, db, 3, price=9_500)
    context = await browser.new_context(viewport=PHONE, locale="zh-CN")
    await context.add_init_script(WX)
    page = await context.new_page()
    off_site, errors = await _watch(page, live)
    await _signed_in(page, live)
    await page.click("#tabs button[data-view='rewards']")
    await page.wait_for_selector("#nt-price[data-price='9500']", timeout=WAIT)
    await page.click("#nt-buy")  # 1 t, no beneficiary
    await page.wait_for_selector("#nt-order[data-status='pending'] #nt-pay", timeout=WAIT)
    assert await page.locator("#nt-pay-demo").count() == 0
    order_id = await page.get_attribute("#nt-order", "data-order-id")
    async with httpx.AsyncClient(base_url=live, timeout=30) as http:
        order = (
            await http.get(
                f"/v1/me/neutrality/orders/{order_id}", headers=await _citizen_headers(page)
            )
        ).json()
    assert order["amount_fen"] == 9_500

    # the payer cancels: the order stays payable
    await page.click("#nt-pay")
    calls = await page.evaluate("window.__wxPay.length")
    assert calls == 1
    given = await page.evaluate(
        "Object.fromEntries(Object.entries(window.__wxPay[0])"
        ".filter(([k, v]) => typeof v === 'string'))"
    )
    assert {k: given[k] for k in order["jsapi"]} == order["jsapi"]
    await page.evaluate("window.__wxPay[0].fail({ errMsg: 'requestPayment:fail cancel' })")
    await page.wait_for_selector("#nt-note:has-text('您已取消支付')")
    assert await page.is_enabled("#nt-pay")

    # the payer pays (the fake, as WeChat would); WeChat answers success; the page follows
    await page.click("#nt-pay")
    async with httpx.AsyncClient(base_url=live, timeout=30) as http:
        paid = await http.post(f"/v1/dev/wechatpay/orders/{order_id}/pay")
        assert paid.status_code == 202 and paid.json()["callback_status"] == 204
    await page.evaluate("window.__wxPay[1].success({ errMsg: 'requestPayment:ok' })")
    await page.wait_for_selector("#nt-order[data-status='delivered'] a.nt-cert", timeout=WAIT)
    assert "个人碳中和" in await page.inner_text("#nt-order")  # the default beneficiary
    assert errors == [], errors
    assert off_site.requests == []
    await context.close()


async def test_without_the_demo_payer_the_button_goes(browser, settings, wechatpay, db) -> None:
    """A gateway to a WeChat Pay the service does not run itself (the `wechatpay` fixture's
    fake, PUHUI_WECHATPAY off): the demo payer answers 404, so its button goes; the payer pays
    elsewhere, and "check the payment" finds the order delivered."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    app = create_app(settings, payments=gateway_for(wechatpay, base))
    async with serve(app, port=port) as live:
        await _list_public_behaviour(live, db, 2, price=10_000)
        context = await browser.new_context(viewport=PHONE, locale="en-GB")
        page = await context.new_page()
        off_site, errors = await _watch(page, live)
        await _signed_in(page, live)
        await page.click("#lang-toggle")
        await page.click("#tabs button[data-view='rewards']")
        await page.wait_for_selector("#nt-price[data-price='10000']", timeout=WAIT)
        await page.click("#nt-buy")
        await page.click("#nt-order[data-status='pending'] #nt-pay-demo", timeout=WAIT)
        await page.wait_for_selector("#nt-note:has-text('no demo payment here')", timeout=WAIT)
        assert await page.locator("#nt-pay-demo").count() == 0
        order_id = await page.get_attribute("#nt-order", "data-order-id")

        await asyncio.to_thread(wechatpay.pay, order_id)  # its notice goes to the server
        assert [d.status for d in wechatpay.deliveries] == [204]
        await page.click("#nt-refresh")
        await page.wait_for_selector("#nt-order[data-status='delivered'] a.nt-public")
        assert "1 t CO2e retired for you" in await page.inner_text("#nt-done")
        assert await page.locator("#nt-pay-demo").count() == 0
        assert errors == [
            "Failed to load resource: the server responded with a status of 404 (Not Found)"
        ], errors
        assert off_site.requests == []
        await context.close()
