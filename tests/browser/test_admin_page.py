"""The staff dashboard page (/admin) in headless Chromium: sign-in, tiles, the three SVG charts,
the tables, reconciliation, the English toggle, 360 px phones, and nothing from another origin."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from domain.clock import SHANGHAI
from tests.api.test_crediting_rules import shanghai
from tests.api.test_feed_metro import journey
from tests.browser.conftest import PHONE, OffSite
from tests.economy import give_points
from tests.helpers import dumps, signed_headers

LAPTOP = {"width": 1280, "height": 800}

# Sums layout shifts not caused by input (the CLS of the page), read back in the test.
CLS_PROBE = """
window.__cls = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) if (!e.hadRecentInput) window.__cls += e.value;
}).observe({ type: "layout-shift", buffered: true });
"""


async def _signed(http: httpx.AsyncClient, op: dict, path: str, payload: Any) -> Any:
    body = dumps(payload)
    r = await http.post(
        path,
        content=body,
        headers=signed_headers("POST", path, op["key_id"], op["secret"], body),
    )
    assert r.status_code == 200, r.text
    return r.json()


async def _activity(live: str, demo: dict, db) -> dict:
    """A citizen linked to the demo metro and bike-share operators rides yesterday (one trip of
    four is rejected), then buys a voucher. Returns the operators by kind and the admin login."""
    ops = {o["kind"]: o for o in demo["operators"]}
    async with httpx.AsyncClient(base_url=live) as http:
        citizen = (await http.post("/v1/auth/dev", json={"openid": "admin-page-1"})).json()
        h = {"Authorization": f"Bearer {citizen['access_token']}"}
        assert (await http.put("/v1/me/consent", json={"version": "v1"}, headers=h)).is_success
        async with db.unit_of_work() as uow:
            row = await uow.citizens.get(citizen["citizen_id"])
            row.consent_given_at = datetime.now(UTC) - timedelta(days=3)
        for kind, account in (("metro", "page-card"), ("bikeshare", "page-bike")):
            code = (
                await http.post(
                    "/v1/me/binding-codes",
                    json={"operator_id": ops[kind]["operator_id"]},
                    headers=h,
                )
            ).json()["code"]
            await _signed(
                http,
                ops[kind],
                f"/v1/operators/{ops[kind]['operator_id']}/bindings",
                {"code": code, "external_account": account},
            )
        metro = await _signed(
            http,
            ops["metro"],
            f"/v1/operators/{ops['metro']['operator_id']}/trips",
            {
                "trips": [
                    journey("p1", "page-card", "NJM101", "NJM110", shanghai(-1, 8, 30)),
                    journey("p2", "page-card", "NJM110", "NJM101", shanghai(-1, 18, 0)),
                    journey("p3", "page-card", "NJM101", "NOPE", shanghai(-1, 12, 0)),
                ]
            },
        )
        assert [x["status"] for x in metro["results"]] == ["credited", "credited", "rejected"]
        end = shanghai(-1, 21, 0)
        bike = await _signed(
            http,
            ops["bikeshare"],
            f"/v1/operators/{ops['bikeshare']['operator_id']}/trips",
            {
                "trips": [
                    {
                        "trip_id": "pb1",
                        "device_id": "d1",
                        "external_account": "page-bike",
                        "start_time": int((end - timedelta(minutes=15)).timestamp() * 1000),
                        "end_time": int(end.timestamp() * 1000),
                        "duration": 900,
                        "distance": 2345,
                        "start_location": {"lat": 32.04, "lng": 118.78},
                        "end_location": {"lat": 32.05, "lng": 118.79},
                    }
                ]
            },
        )
        assert bike["results"][0]["status"] == "credited"
        await give_points(db, citizen["citizen_id"], 1000)
        offer = (await http.get("/v1/offers")).json()["items"][0]
        r = await http.post(
            "/v1/me/vouchers",
            json={"offer_id": offer["offer_id"]},
            headers={**h, "Idempotency-Key": "admin-page-buy"},
        )
        assert r.status_code == 201, r.text
        [admin] = [s for s in demo["staff"] if s["role"] == "admin"]
        token = (
            await http.post(
                "/v1/auth/staff",
                json={"username": admin["username"], "password": admin["password"]},
            )
        ).json()["access_token"]
        expected = (
            await http.get(
                "/v1/admin/dashboard?days=14", headers={"Authorization": f"Bearer {token}"}
            )
        ).json()
    return {"ops": ops, "admin": admin, "expected": expected, "offer": offer}


async def _watch(page, base: str) -> tuple[OffSite, list[str]]:
    off_site, errors = OffSite(base), []
    page.on("request", off_site)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    await page.add_init_script(CLS_PROBE)
    return off_site, errors


async def _tile(page, name: str) -> tuple[str, int]:
    v = page.locator(f'#tiles [data-tile="{name}"] .v')
    return await v.inner_text(), int(await v.get_attribute("data-value"))


async def _axis_titles(page, chart: str) -> list[str]:
    return await page.locator(f"#{chart} svg text.axis-title").all_text_contents()


async def test_the_admin_dashboard(live, demo, db, browser, shots) -> None:
    world = await _activity(live, demo, db)
    expected = world["expected"]
    trips = sum(r["credited_trips"] for r in expected["by_day_mode"])
    grams = sum(r["reduction_g"] for r in expected["by_day_mode"])
    assert (expected["active_citizens"], trips) == (1, 3) and grams > 0

    context = await browser.new_context(viewport=LAPTOP, locale="zh-CN")
    page = await context.new_page()
    off_site, errors = await _watch(page, live)
    await page.goto(f"{live}/admin")
    assert await page.locator("#login").is_visible()
    await page.screenshot(path=str(shots / "admin-login.png"))
    await page.fill("#login-username", world["admin"]["username"])
    await page.fill("#login-password", "wrong password")
    await page.click("#login-submit")
    await page.wait_for_selector("#login-error:not(.hidden)")
    assert "不正确" in await page.inner_text("#login-error")
    await page.fill("#login-password", world["admin"]["password"])
    await page.click("#login-submit")
    await page.wait_for_selector('#tiles [data-tile="trips"] .v[data-value]')

    # tiles: the API's figures
    assert (await _tile(page, "active"))[1] == 1
    assert await _tile(page, "trips") == ("3", 3)
    co2_text, co2 = await _tile(page, "co2")
    assert co2 == grams and co2_text == f"{grams / 1000:.1f}"
    issued = expected["totals"]["issued"]
    assert (await _tile(page, "issued"))[1] == issued > 0
    price = world["offer"]["points_price"]
    assert await _tile(page, "redeemed") == (str(price), price)

    # charts: SVG with both axis titles (units included), a legend in Chinese, data drawn
    assert await _axis_titles(page, "chart-trips") == ["出行次数（次）", "日期（北京时间）"]
    assert await _axis_titles(page, "chart-grams") == ["减排量（kg CO₂e）", "日期（北京时间）"]
    assert await _axis_titles(page, "chart-points") == ["积分（分）", "日期（北京时间）"]
    legend = await page.locator("#chart-trips .legend-label").all_text_contents()
    assert legend == ["地铁", "共享单车", "公交"]
    assert await page.locator("#chart-trips rect.bar").count() == 2  # yesterday: metro + bike
    assert await page.locator("#chart-grams rect.bar").count() == 1
    assert await page.locator("#chart-points path.line").count() == 4
    assert await page.locator("#chart-points .legend-label").count() == 4
    for chart in ("chart-trips", "chart-grams", "chart-points"):
        box = await page.locator(f"#{chart}").bounding_box()
        assert box["height"] == 260
        assert await page.locator(f"#{chart} svg .x-axis text.tick").count() >= 3

    # tables
    assert world["offer"]["title"] in await page.inner_text("#offers-table tbody")
    metro_id = world["ops"]["metro"]["operator_id"]
    metro_row = page.locator(f'#operators-table tr[data-operator="{metro_id}"]')
    assert "high" in (await metro_row.get_attribute("class"))  # 1 of 3 rejected
    assert "33.3 %" in await metro_row.inner_text()
    assert await page.locator("#operators-table tbody tr").count() == 3

    # reconciliation: yesterday at the metro operator
    yesterday = (datetime.now(SHANGHAI).date() - timedelta(days=1)).isoformat()
    await page.select_option("#recon-operator", metro_id)
    await page.fill("#recon-date", yesterday)
    await page.click("#recon-submit")
    await page.wait_for_selector("#recon-table")
    credited = page.locator('#recon-table tr[data-status="credited"] td')
    assert (await credited.all_inner_texts())[:2] == ["已核定", "2"]
    rejected = page.locator('#recon-table tr[data-status="rejected"] td')
    assert (await rejected.all_inner_texts())[:2] == ["已拒绝", "1"]
    assert (await page.locator("#recon-table tr.total td").all_inner_texts())[:2] == ["合计", "3"]

    await page.evaluate("window.scrollTo(0, 0)")
    await page.screenshot(path=str(shots / "admin-laptop.png"), full_page=True)

    # English, and back
    await page.click("#lang-toggle")
    assert await page.inner_text("header h1") == "Puhui · Operations dashboard"
    assert await page.locator("#chart-trips .legend-label").all_text_contents() == [
        "Metro",
        "Bike-share",
        "Bus",
    ]
    assert await _axis_titles(page, "chart-grams") == ["kg CO₂e", "Date (Beijing time)"]
    assert "Total" in await page.inner_text("#recon-table")
    await page.evaluate("window.scrollTo(0, 0)")
    await page.screenshot(path=str(shots / "admin-laptop-en.png"), full_page=True)
    await page.click("#lang-toggle")
    assert await page.inner_text("#lang-toggle") == "EN"

    # a phone: signed in already (same browser storage), nothing wider than the screen
    phone = await context.new_page()
    await phone.set_viewport_size(PHONE)
    phone_off_site, phone_errors = await _watch(phone, live)
    await phone.goto(f"{live}/admin")
    await phone.wait_for_selector('#tiles [data-tile="trips"] .v[data-value]')
    await phone.wait_for_selector("#chart-points svg")
    await phone.wait_for_timeout(300)
    widths = await phone.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1] == 360, widths
    # the wide tables scroll inside their cards instead
    inner = await phone.evaluate(
        "(() => { const s = document.querySelector('#operators-table').parentElement;"
        " return [s.scrollWidth, s.clientWidth]; })()"
    )
    assert inner[0] > inner[1], inner
    assert await phone.locator("#chart-trips svg text.axis-title").count() == 2
    cls = await phone.evaluate("window.__cls")
    assert cls < 0.02, cls  # no layout shift while the dashboard loads
    await phone.evaluate("window.scrollTo(0, 0)")
    await phone.screenshot(path=str(shots / "admin-phone.png"), full_page=True)

    assert off_site.requests == [] and phone_off_site.requests == []
    # the one wrong password above is the only console error (no CSP violation, no exception)
    assert [e for e in errors if "status of 401" not in e] == [] == phone_errors, errors
    await context.close()


async def test_a_merchant_cannot_open_the_dashboard(live, demo, browser) -> None:
    [cashier] = [s for s in demo["staff"] if s["role"] == "merchant"]
    context = await browser.new_context(viewport=PHONE)
    page = await context.new_page()
    await page.goto(f"{live}/admin")
    await page.fill("#login-username", cashier["username"])
    await page.fill("#login-password", cashier["password"])
    await page.click("#login-submit")
    await page.wait_for_selector("#login-error:not(.hidden)")
    assert "无权" in await page.inner_text("#login-error")
    assert await page.locator("#dash").is_hidden()
    await context.close()
