"""The organisation console (/org) in headless Chromium, end to end through the pages: apply ->
staff approve in /admin -> the first member signs in with the password shown once -> drafts a
project, uploads a document, submits it -> experts vote (one on /org) -> staff register it; and
an organisation holding units transfers and retires from the page (one Idempotency-Key per
intended write: a double click moves once) and opens its certificate. 360 px phones, nothing
from another origin, the page's own headers."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.browser.conftest import PHONE, OffSite
from tests.helpers import PASSWORD
from tests.registry_units import issued_units
from tests.registry_world import a_uscc, make_member, make_org

LAPTOP = {"width": 1280, "height": 800}


async def _watch(page, base: str) -> tuple[OffSite, list[str]]:
    off_site, errors = OffSite(base), []
    page.on("request", off_site)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return off_site, errors


async def _token(http: httpx.AsyncClient, username: str, password: str) -> dict[str, str]:
    r = await http.post("/v1/auth/staff", json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


async def _experts(http: httpx.AsyncClient, staff: dict[str, str], n: int) -> list[dict[str, Any]]:
    """`n` experts with accounts: {username, password, headers}."""
    out = []
    for _ in range(n):
        username = f"expert-{uuid.uuid4().hex[:8]}"
        r = await http.post(
            "/v1/admin/experts",
            headers=staff,
            json={"name": username, "fields": ["forestry"], "username": username},
        )
        assert r.status_code == 201, r.text
        password = r.json()["password"]
        out.append(
            {
                "username": username,
                "password": password,
                "headers": await _token(http, username, password),
            }
        )
    return out


async def _sign_in(page, username: str, password: str) -> None:
    await page.fill("#login-username", username)
    await page.fill("#login-password", password)
    await page.click("#login-submit")
    await page.wait_for_selector("html[data-auth='in']")


async def _no_overflow(page) -> None:
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


async def test_org_page_headers(live) -> None:
    async with httpx.AsyncClient(base_url=live) as http:
        r = await http.get("/org")
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/html")
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "style-src 'self'" in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert "<script>" not in r.text and " style=" not in r.text
        for asset in ("org.js", "org-units.js", "org-projects.js", "org-review.js", "org.css"):
            assert (await http.get(f"/static/{asset}")).status_code == 200


async def test_apply_approve_sign_in_draft_and_submit(live, demo, browser, shots) -> None:
    admin = next(s for s in demo["staff"] if s["role"] == "admin")
    async with httpx.AsyncClient(base_url=live) as http:
        staff = await _token(http, admin["username"], admin["password"])
        experts = await _experts(http, staff, 3)  # the pool: these and the demo's five
        for e in demo["registry"]["experts"]:
            token = await _token(http, e["username"], e["password"])
            experts.append({"username": e["username"], "password": e["password"], "headers": token})

    # 1. apply on /org (a phone), a mistyped code first
    phone = await browser.new_context(viewport=PHONE, locale="zh-CN")
    page = await phone.new_page()
    off_site, errors = await _watch(page, live)
    await page.goto(f"{live}/org")
    assert await page.locator("#apply-form").is_visible()
    name = f"南京绿源 {uuid.uuid4().hex[:4]}"
    uscc = a_uscc()
    await page.fill("#apply-name", name)
    await page.fill("#apply-uscc", uscc[:-1] + ("0" if uscc[-1] != "0" else "1"))
    await page.select_option("#apply-kind", "enterprise")
    await page.select_option("#apply-district", "xuanwu")
    await page.fill("#apply-contact", "王芳")
    await page.fill("#apply-email", "wang@example.cn")
    await page.click("#apply-submit")
    beside = page.locator('#apply-form .field-err[data-field="uscc"]')
    await beside.wait_for()
    assert await beside.inner_text()
    assert await page.locator("#apply-uscc").get_attribute("aria-invalid") == "true"
    # the problem sits right after the field it names
    assert (
        await page.evaluate(
            "document.getElementById('apply-uscc').nextElementSibling.dataset.field"
        )
        == "uscc"
    )
    await page.screenshot(path=str(shots / "org-apply-error-360.png"), full_page=True)
    await page.fill("#apply-uscc", uscc)
    await page.click("#apply-submit")
    await page.wait_for_selector("#apply-done:not(.hidden)")
    application_id = await page.get_attribute("#apply-done", "data-application-id")
    assert application_id
    await _no_overflow(page)

    # 2. staff approve it in /admin; the first member's password is shown once
    desk = await browser.new_context(viewport=LAPTOP, locale="zh-CN")
    admin_page = await desk.new_page()
    admin_off, admin_errors = await _watch(admin_page, live)
    await admin_page.goto(f"{live}/admin")
    await _sign_in_admin(admin_page, admin)
    row = admin_page.locator(f'#apps-list li[data-application="{application_id}"]')
    await row.wait_for()
    assert uscc in await row.inner_text()
    await row.locator("button.approve").click()
    await admin_page.wait_for_selector("#app-approved:not(.hidden)")
    password = await admin_page.inner_text("#app-approved .secret")
    username = await admin_page.get_attribute("#app-approved", "data-username")
    assert password and username
    await admin_page.screenshot(path=str(shots / "admin-registry-approved.png"), full_page=True)

    # 3. the member signs in on /org with it and drafts a project
    await _sign_in(page, username, password)
    await page.wait_for_selector("#org-name")
    assert await page.inner_text("#org-name") == name
    assert await page.locator("#accounts-table tbody tr[data-account]").count() == 1
    await page.wait_for_selector("#members-table")  # the first member is the admin member
    await page.click("#project-new summary")
    await page.fill("#pj-title", "紫金山林业碳汇")
    await page.select_option("#pj-methodology-code", "NJ-FC")
    await page.select_option("#pj-district", "xuanwu")
    await page.fill("#pj-location-address", "紫金山")
    await page.fill("#pj-crediting-period-start", "2025-01-01")
    await page.fill("#pj-crediting-period-end", "2034-12-31")
    await page.fill("#pj-estimated-t-per-year", "1200")
    await page.fill("#pj-description", "林业碳汇项目")
    await page.click("#project-form button[type=submit]")
    project = page.locator("#projects-list li.project")
    await project.wait_for()
    project_id = await project.get_attribute("data-project")
    assert await project.locator('[data-status="draft"]').count() == 1

    # a document, then submission for validation (a panel of three is drawn)
    await project.locator("input[type=file]").set_input_files(
        {"name": "plan.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}
    )
    await project.locator(".upload-form button").click()
    await page.wait_for_selector("#projects-list li.project a.doc")
    assert await page.inner_text("#projects-list li.project a.doc") == "plan.pdf"
    await page.locator("#projects-list li.project .submit-project").click()
    await page.wait_for_selector('#projects-list li.project .pill[data-status="submitted"]')
    await page.wait_for_selector('#projects-list li.project .review [data-status="open"]')
    await page.screenshot(path=str(shots / "org-project-submitted-360.png"), full_page=True)
    await _no_overflow(page)

    # 4. the experts vote: one on /org (first, while the review is open), two through the API
    async with httpx.AsyncClient(base_url=live) as http:
        seats = {}
        for e in experts:
            items = (await http.get("/v1/expert/reviews", headers=e["headers"])).json()["items"]
            seats[e["username"]] = [s for s in items if s["subject_id"] == project_id]
    sitting = [e for e in experts if seats[e["username"]]]
    assert len(sitting) == 3  # the panel drawn from the pool
    first, *others = sitting
    expert_ctx = await browser.new_context(viewport=PHONE, locale="en-GB")
    expert_page = await expert_ctx.new_page()
    expert_off, expert_errors = await _watch(expert_page, live)
    await expert_page.goto(f"{live}/org")
    await _sign_in(expert_page, first["username"], first["password"])
    seat = expert_page.locator("#seats-list li.seat")
    await seat.wait_for()
    assert "紫金山林业碳汇" in await seat.inner_text()
    await seat.locator("summary").click()
    assert "xuanwu" in await seat.locator(".subject").inner_text()
    await seat.locator("select[name=vote]").select_option("approve")
    await seat.locator("textarea[name=opinion]").fill("方法学适用，数据充分")
    await seat.locator("button[type=submit]").click()
    await expert_page.wait_for_selector("#seats-list li.seat .my-vote")
    await expert_page.screenshot(path=str(shots / "org-expert-360.png"), full_page=True)
    await _no_overflow(expert_page)
    async with httpx.AsyncClient(base_url=live) as http:
        for e in others:
            review_id = seats[e["username"]][0]["review_id"]
            r = await http.post(
                f"/v1/expert/reviews/{review_id}/opinion",
                headers=e["headers"],
                json={"vote": "approve", "opinion": "sound"},
            )
            if r.json().get("status") == "passed":
                break
            assert r.status_code == 200, r.text
    await expert_page.reload()
    await expert_page.wait_for_selector('#seats-list li.seat [data-status="passed"]')

    # 5. staff register it; the member sees its public code
    await admin_page.click("#reg-refresh")
    queued = admin_page.locator(f'#projects-queue li[data-project="{project_id}"]')
    await queued.locator('.review-status[data-status="passed"]').wait_for()
    await queued.locator("button.register").click()
    await queued.wait_for(state="detached")
    await page.reload()
    await page.wait_for_selector('#projects-list li.project .pill[data-status="registered"]')
    assert "NJ-FC" in await page.inner_text("#projects-list li.project .muted")

    # 6. the member files a monitoring report for the registered project
    await page.click("#projects-list li.project .reports summary")
    report_form = page.locator("#projects-list li.project .report-form")
    await report_form.locator("input[name=period_start]").fill("2025-01-01")
    await report_form.locator("input[name=period_end]").fill("2025-06-30")
    await report_form.locator("input[name=claimed_t]").fill("500")
    await report_form.locator("button[type=submit]").click()
    filed = '#projects-list .reports tr[data-report] [data-status="submitted"]'
    await page.wait_for_selector(filed)

    assert off_site.requests == admin_off.requests == expert_off.requests == []
    # the mistyped code's 422 is the only failed load (the browser logs it)
    assert [e for e in errors if "status of 422" not in e] == [], errors
    assert admin_errors == [] and expert_errors == [], (admin_errors, expert_errors)
    for ctx in (phone, desk, expert_ctx):
        await ctx.close()


async def _sign_in_admin(page, admin: dict[str, str]) -> None:
    await page.fill("#login-username", admin["username"])
    await page.fill("#login-password", admin["password"])
    await page.click("#login-submit")
    await page.wait_for_selector("#registry #reg-body .reg-box")


async def test_transfer_and_retire_from_the_page(live, db, browser, shots) -> None:
    holder = await make_org(db, name="南京紫金碳汇有限公司")
    other = await make_org(db, name="南京接收方")
    username = await make_member(db, holder.id)
    issued = await issued_units(db, holder, 100)

    context = await browser.new_context(viewport=PHONE, locale="zh-CN")
    page = await context.new_page()
    off_site, errors = await _watch(page, live)
    await page.goto(f"{live}/org")
    await _sign_in(page, username, PASSWORD)
    block = page.locator(f'#holdings-list tr[data-block="{issued.label}"]')
    await block.wait_for()
    assert "100" in await block.inner_text()
    balance = f'#accounts-table tr[data-account="{holder.account_id}"] .balance'
    assert await page.inner_text(balance) == "100"

    # transfer 10: a double click moves them once (one key per intended write)
    await page.fill("#tx-to-account", other.account_id)
    await page.fill("#tx-quantity", "10")
    await page.dblclick("#transfer-form button[type=submit]")
    await page.wait_for_selector("#transfer-done:not(.hidden)")
    assert f"{issued.prefix}-91-100" in await page.inner_text("#transfer-done")
    await page.wait_for_selector(
        f'#accounts-table tr[data-account="{holder.account_id}"] .balance:text-is("90")'
    )
    # submitting the very same form again is a new intended write: a new key
    await page.fill("#tx-to-account", other.account_id)
    await page.fill("#tx-quantity", "1")
    await page.click("#transfer-form button[type=submit]")
    await page.wait_for_selector(
        f'#accounts-table tr[data-account="{holder.account_id}"] .balance:text-is("89")'
    )

    # a problem from the server shows on the form
    await page.fill("#tx-to-account", other.account_id)
    await page.fill("#tx-quantity", "100000")
    await page.click("#transfer-form button[type=submit]")
    await page.wait_for_selector("#transfer-form .o-err:not(:empty)")

    # retire 5 for a beneficiary; the certificate links follow
    await page.fill("#rt-quantity", "5")
    await page.fill("#rt-beneficiary", "2026 南京马拉松")
    await page.select_option("#rt-purpose", "event")
    await page.fill("#rt-details", "赛事碳中和")
    await page.click("#retire-form button[type=submit]")
    await page.wait_for_selector("#retire-done:not(.hidden)")
    retirement_id = await page.get_attribute("#retire-done", "data-retirement-id")
    row = page.locator(f'#retirements-table tr[data-retirement="{retirement_id}"]')
    await row.wait_for()
    assert "2026 南京马拉松" in await row.inner_text()
    await page.screenshot(path=str(shots / "org-units-360.png"), full_page=True)
    await _no_overflow(page)

    pdf = await row.locator("a.cert-pdf").get_attribute("href")
    signed = await row.locator("a.cert-json").get_attribute("href")
    async with httpx.AsyncClient(base_url=live) as http:
        r = await http.get(pdf)
        assert r.status_code == 200 and r.content.startswith(b"%PDF")
        assert (await http.get(signed)).json()["document"]
        held = await http.get(
            f"/v1/registry/accounts/{other.account_id}/holdings",
            headers=await _token(http, await make_member(db, other.id), PASSWORD),
        )
        assert sum(h["quantity"] for h in held.json()["items"]) == 11  # 10 once, then 1

    await row.locator("a.cert-page").click()
    await page.wait_for_url(f"**/registry/retirements/{retirement_id}")
    await page.wait_for_load_state("networkidle")
    assert "2026 南京马拉松" in await page.inner_text("body")
    await page.screenshot(path=str(shots / "org-certificate-page-360.png"), full_page=True)

    assert off_site.requests == []
    assert [e for e in errors if "422" not in e and "409" not in e] == [], errors
    await context.close()


async def test_english_toggle_and_a_stranger_account(live, demo, browser) -> None:
    context = await browser.new_context(viewport=PHONE)
    page = await context.new_page()
    off_site, _ = await _watch(page, live)
    await page.goto(f"{live}/org")
    await page.evaluate("localStorage.setItem('ph.lang', 'zh')")
    await page.reload()
    assert await page.inner_text("#apply-h") == "申请成为碳普惠机构"
    await page.click("#lang-toggle")
    assert await page.inner_text("#apply-h") == "Apply as a carbon-inclusion organisation"
    assert await page.inner_text("#lang-toggle") == "中文"
    cashier = next(s for s in demo["staff"] if s["role"] == "merchant")
    await page.fill("#login-username", cashier["username"])
    await page.fill("#login-password", cashier["password"])
    await page.click("#login-submit")
    await page.wait_for_selector("#login-error:text('not an organisation')")
    assert await page.get_attribute("html", "data-auth") == "out"
    assert off_site.requests == []
    await context.close()
