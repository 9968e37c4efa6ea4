"""Complaints on the merchant page (/merchant, 360 px) in a real Chromium: a cashier files one
about a voucher redeemed at the counter (a wrong or unredeemed voucher and a second open
complaint about the same voucher are refused with a clear message), operations staff answer and
resolve it over HTTP, the cashier sees every step after a refresh and rates the outcome once."""

from __future__ import annotations

from typing import Any

import httpx

from tests.browser.merchant import expect, no_horizontal_scroll, open_page, redeem_code, sign_in

ADMIN = "/v1/admin/complaints"


async def _file(page, text: str, ref: str = "", category: str = "voucher") -> None:
    await page.select_option("#mc-category", category)
    await page.fill("#mc-ref", ref)
    await page.fill("#mc-text", text)
    await page.click("#mc-submit")


async def _staff(http: httpx.AsyncClient, demo: dict[str, Any]) -> dict[str, str]:
    ops = next(s for s in demo["staff"] if s["role"] == "operations")
    r = await http.post(
        "/v1/auth/staff", json={"username": ops["username"], "password": ops["password"]}
    )
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


async def test_a_cashier_files_a_complaint_sees_the_answer_and_rates_it(
    browser, counter, demo, shots
) -> None:
    redeemed, unredeemed = await counter.voucher(), await counter.voucher()
    ctx, page, watch = await open_page(browser, counter.base)
    try:
        await sign_in(page, counter.username)
        await redeem_code(page, redeemed["code"], "redeemed")
        card = page.locator("#complaints-card")
        await expect(card.locator("h2")).to_have_text("投诉与反馈")
        await expect(page.locator("#mc-list")).to_contain_text("本店还没有提交过投诉")
        # the reference field offers the voucher just redeemed
        await page.focus("#mc-ref")
        option = page.locator(f"#mc-refs option[value='{redeemed['voucher_id']}']")
        await expect(option).to_have_count(1)
        await no_horizontal_scroll(page)

        # refused references: not ours (404), not redeemed (409), not an id (caught in the page)
        error = page.locator("#mc-error")
        await _file(page, "顾客说券无法使用", ref="01ZZZZZZZZZZZZZZZZZZZZZZZZ")
        await expect(error).to_contain_text("找不到在本店核销过的这张券")
        await _file(page, "顾客说券无法使用", ref=unredeemed["voucher_id"])
        await expect(error).to_contain_text("这张券还没有核销")
        await _file(page, "顾客说券无法使用", ref="not an id!")
        await expect(error).to_contain_text("只能是字母和数字")
        await expect(page.locator("#mc-list li[data-complaint]")).to_have_count(0)
        await page.screenshot(path=str(shots / "merchant-complaint-refused.png"), full_page=True)

        # filed about the redeemed voucher; a second open one about it is refused
        receipt = {"name": "小票.txt", "mimeType": "text/plain", "buffer": "小票 80 分".encode()}
        await page.set_input_files("#mc-file", files=[receipt])
        await _file(page, "该券核销后积分未到账", ref=redeemed["voucher_id"])
        filed = page.locator("#mc-list li[data-status='open']")
        await expect(filed).to_have_count(1)
        await expect(error).to_have_text("")
        await expect(filed).to_contain_text("兑换券与核销")
        await expect(filed).to_contain_text(redeemed["voucher_id"])
        await expect(filed.locator("[data-due='response']")).to_contain_text("答复期限")
        await expect(filed.locator("[data-due='resolution']")).to_contain_text("办结期限")
        await expect(filed.locator("[data-step='filed']")).to_be_visible()
        await expect(filed.locator("[data-step='attached']")).to_contain_text("小票.txt")
        await expect(page.locator("#mc-text")).to_have_value("")
        await expect(page.locator("#mc-file")).to_have_value("")
        await _file(page, "再提一次", ref=redeemed["voucher_id"])
        await expect(error).to_contain_text("已有一条未办结的投诉")
        await expect(page.locator("#mc-list li[data-complaint]")).to_have_count(1)
        await no_horizontal_scroll(page)
        await card.screenshot(path=str(shots / "merchant-complaint-filed.png"))
        complaint_id = await filed.get_attribute("data-complaint")

        # operations staff answer, then resolve, over HTTP
        ops = await _staff(counter.http, demo)
        r = await counter.http.get(f"{ADMIN}/{complaint_id}", headers=ops)
        assert r.status_code == 200, r.text
        assert r.json()["filer_type"] == "merchant"
        assert r.json()["ref_type"] == "redemption"
        url = f"{ADMIN}/{complaint_id}"
        answer = {"text": "已核实，正在补记"}
        r = await counter.http.post(f"{url}/respond", json=answer, headers=ops)
        assert r.status_code in (200, 201), r.text
        await page.click("#mc-refresh")
        answered = page.locator("#mc-list li[data-status='responded']")
        step = answered.locator("[data-step='responded']")
        await expect(step).to_contain_text("已核实，正在补记")
        await expect(answered.locator("[data-due='response']")).to_have_count(1)
        await expect(answered.locator(".mc-rate")).to_have_count(0)
        r = await counter.http.post(f"{url}/resolve", json={"text": "积分已补记"}, headers=ops)
        assert r.status_code in (200, 201), r.text

        # a reload shows the resolution; rated once, with a comment
        await page.reload()
        done = page.locator("#mc-list li[data-status='resolved']")
        await expect(done.locator("[data-step='resolved']")).to_contain_text("积分已补记")
        await expect(done.locator("[data-due]")).to_have_count(0)
        await page.screenshot(path=str(shots / "merchant-complaint-resolved.png"), full_page=True)
        await done.locator(".mc-score").select_option("4")
        await done.locator(".mc-comment").fill("处理及时")
        await done.locator(".mc-rate").click()
        await expect(done.locator(".mc-rated")).to_contain_text("4 星")
        await expect(page.locator("#mc-list .mc-rate")).to_have_count(0)
        await done.locator("summary").click()  # rated and resolved: folded, opened with a tap
        await expect(done.locator("[data-step='rated']")).to_be_visible()
        await expect(done.locator(".mc-rated")).to_contain_text("处理及时")
        mine = await counter.http.get(
            f"/v1/merchant/complaints/{complaint_id}",
            headers={"Authorization": f"Bearer {await _cashier_token(page)}"},
        )
        assert mine.json()["rating"] == 4 and mine.json()["rating_comment"] == "处理及时"
        await no_horizontal_scroll(page)
        await card.screenshot(path=str(shots / "merchant-complaint-rated.png"))

        # English through the page's toggle
        await page.click("#lang-toggle")
        await expect(card.locator("h2")).to_have_text("Complaints")
        await expect(done.locator("summary")).to_contain_text("Vouchers & redemption")
        await expect(done.locator(".mc-rated")).to_contain_text("Our rating: 4 stars")
        await expect(page.locator("#mc-submit")).to_have_text("File the complaint")
        await no_horizontal_scroll(page)
        await page.screenshot(path=str(shots / "merchant-complaint-en.png"), full_page=True)

        assert watch.foreign(counter.base) == [], watch.foreign(counter.base)
        assert watch.errors == [], watch.errors
    finally:
        await ctx.close()


async def _cashier_token(page) -> str:
    return await page.evaluate(
        "JSON.parse(localStorage.getItem('ph.session.merchant')).access_token"
    )
