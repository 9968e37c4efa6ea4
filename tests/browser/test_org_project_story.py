"""An organisation's whole story on /org in headless Chromium, from applying to holding units:
it applies on the page; staff approve it (HTTP); its first member signs in on /org, drafts and
submits a project; every expert on the drawn panel votes on /org (each on their own phone) until
the review passes; staff register it (HTTP); the member files a monitoring report on /org; staff
assign it to a verifier, whose member verifies it on /org; one staff member proposes the issuance
and another approves it (HTTP, four eyes); and the member sees the issued block in its holdings on
/org. (tests/browser/test_org_page.py covers the applying and drafting details — field errors,
documents, the /admin approval — this follows the project through to its issuance.) 360 px,
nothing from another origin; screenshots at each step."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from domain.identity.principal import Role
from tests.browser.conftest import PHONE
from tests.browser.test_org_page import _experts, _no_overflow, _sign_in, _token, _watch
from tests.helpers import PASSWORD
from tests.registry_world import a_uscc, make_member, make_org

WAIT = 20_000  # ms


async def _phone(browser, live: str, watched: list, locale: str = "zh-CN"):
    context = await browser.new_context(viewport=PHONE, locale=locale)
    page = await context.new_page()
    watched.append(await _watch(page, live))
    await page.goto(f"{live}/org")
    return context, page


async def _expert_pool(http: httpx.AsyncClient, demo: dict, staff: dict) -> list[dict[str, Any]]:
    experts = await _experts(http, staff, 3)  # forestry experts, and the demo's five
    for e in demo["registry"]["experts"]:
        token = await _token(http, e["username"], e["password"])
        experts.append({"username": e["username"], "password": e["password"], "headers": token})
    return experts


async def test_apply_submit_review_register_verify_and_see_the_issuance(
    live, demo, db, browser, shots
) -> None:
    admin = next(s for s in demo["staff"] if s["role"] == "admin")
    operations = next(s for s in demo["staff"] if s["role"] == "operations")
    watched: list = []
    contexts = []
    async with httpx.AsyncClient(base_url=live, timeout=30) as http:
        staff = await _token(http, admin["username"], admin["password"])
        second = await _token(http, operations["username"], operations["password"])
        experts = await _expert_pool(http, demo, staff)

    # 1. the organisation applies on /org
    phone, page = await _phone(browser, live, watched)
    contexts.append(phone)
    name = f"南京栖霞林场 {uuid.uuid4().hex[:4]}"
    await page.fill("#apply-name", name)
    await page.fill("#apply-uscc", a_uscc())
    await page.select_option("#apply-kind", "enterprise")
    # a text field, or a list of districts (whichever the page offers)
    if await page.evaluate("document.getElementById('apply-district').tagName") == "SELECT":
        await page.select_option("#apply-district", "qixia")
    else:
        await page.fill("#apply-district", "qixia")
    await page.fill("#apply-contact", "陈林")
    await page.fill("#apply-phone", "13800138000")
    await page.click("#apply-submit")
    await page.wait_for_selector("#apply-done:not(.hidden)", timeout=WAIT)
    application_id = await page.get_attribute("#apply-done", "data-application-id")
    await page.screenshot(path=str(shots / "story-1-applied-360.png"), full_page=True)

    # 2. staff approve it: the first member's password, shown once
    async with httpx.AsyncClient(base_url=live, timeout=30) as http:
        r = await http.post(
            "/v1/admin/organisations", headers=staff, json={"application_id": application_id}
        )
        assert r.status_code == 201, r.text
        member = r.json()["member"]
        org_id = r.json()["organisation"]["organisation_id"]

    # 3. the member signs in, drafts a project and submits it for validation
    await _sign_in(page, member["username"], member["password"])
    await page.wait_for_selector("#org-name", timeout=WAIT)
    assert await page.inner_text("#org-name") == name
    await page.click("#project-new summary")
    await page.fill("#pj-title", "栖霞山林业碳汇")
    await page.select_option("#pj-methodology-code", "NJ-FC")
    await page.select_option("#pj-district", "qixia")
    await page.fill("#pj-location-address", "栖霞山")
    await page.fill("#pj-crediting-period-start", "2025-01-01")
    await page.fill("#pj-crediting-period-end", "2034-12-31")
    await page.fill("#pj-estimated-t-per-year", "800")
    await page.fill("#pj-description", "栖霞山林地抚育与碳汇监测。\n第二年起每年监测。")
    await page.click("#project-form button[type=submit]")
    project = page.locator("#projects-list li.project")
    await project.wait_for(timeout=WAIT)
    project_id = await project.get_attribute("data-project")
    await project.locator(".submit-project").click()
    await page.wait_for_selector(
        '#projects-list li.project .review [data-status="open"]', timeout=WAIT
    )
    await page.screenshot(path=str(shots / "story-2-submitted-360.png"), full_page=True)

    # 4. the panel's experts vote on /org, one after another, until the review passes
    async with httpx.AsyncClient(base_url=live, timeout=30) as http:
        sitting = []
        for e in experts:
            items = (await http.get("/v1/expert/reviews", headers=e["headers"])).json()["items"]
            if any(s["subject_id"] == project_id for s in items):
                sitting.append(e)
    assert len(sitting) == 3, sitting  # the panel drawn from the pool
    passed = False
    for i, e in enumerate(sitting):
        ctx, expert_page = await _phone(browser, live, watched)
        contexts.append(ctx)
        await _sign_in(expert_page, e["username"], e["password"])
        seat = expert_page.locator("#seats-list li.seat", has_text="栖霞山林业碳汇")
        await seat.wait_for(timeout=WAIT)
        await seat.locator("summary").click()
        subject = await seat.locator(".subject").inner_text()
        assert "栖霞山林地抚育" in subject and "800" in subject
        await seat.locator("select[name=vote]").select_option("approve")
        await seat.locator("textarea[name=opinion]").fill(f"专家 {i + 1}：方法学适用，数据充分")
        await seat.locator("button[type=submit]").click()
        await seat.locator(".my-vote").wait_for(timeout=WAIT)
        if i == 0:
            await expert_page.screenshot(
                path=str(shots / "story-3-expert-voted-360.png"), full_page=True
            )
            await _no_overflow(expert_page)
        status = await seat.locator(".pill[data-status]").first.get_attribute("data-status")
        if status == "passed":
            passed = True
            break
    assert passed, "the panel's approvals did not pass the review"

    # 5. staff register it; 6. the member files a monitoring report on /org
    async with httpx.AsyncClient(base_url=live, timeout=30) as http:
        r = await http.post(f"/v1/admin/projects/{project_id}/register", headers=staff, json={})
        assert r.status_code in (200, 201), r.text
    await page.reload()
    registered = '#projects-list li.project .pill[data-status="registered"]'
    await page.wait_for_selector(registered, timeout=WAIT)
    await page.click("#projects-list li.project .reports summary")
    report_form = page.locator("#projects-list li.project .report-form")
    await report_form.locator("input[name=period_start]").fill("2025-01-01")
    await report_form.locator("input[name=period_end]").fill("2025-12-31")
    await report_form.locator("input[name=claimed_t]").fill("600")
    await report_form.locator("button[type=submit]").click()
    filed = page.locator('#projects-list .reports tr[data-report] [data-status="submitted"]')
    await filed.wait_for(timeout=WAIT)
    report_id = await page.locator("#projects-list .reports tr[data-report]").get_attribute(
        "data-report"
    )
    await page.screenshot(path=str(shots / "story-4-report-filed-360.png"), full_page=True)

    # 7. staff assign it to a verifier organisation, whose member verifies it on /org
    verifier = await make_org(db, kind="verifier", name="江苏碳核证中心")
    checker = await make_member(db, verifier.id, role=Role.VERIFIER)
    async with httpx.AsyncClient(base_url=live, timeout=30) as http:
        r = await http.post(
            f"/v1/admin/monitoring-reports/{report_id}/assign",
            headers=staff,
            json={"verifier_org_id": verifier.id},
        )
        assert r.status_code in (200, 201), r.text
    ctx, vpage = await _phone(browser, live, watched)
    contexts.append(ctx)
    await _sign_in(vpage, checker, PASSWORD)
    item = vpage.locator(f'#verify-list li[data-report="{report_id}"]')
    await item.wait_for(timeout=WAIT)
    assert "栖霞山林业碳汇" in await item.inner_text()
    await item.locator("select[name=decision]").select_option("verified")
    await item.locator("input[name=verified_t]").fill("550")
    await item.locator("textarea[name=findings]").fill("抽样复核样地 12 块，数据一致")
    await item.locator("button[type=submit]").click()
    await item.locator('[data-status="verified"]').wait_for(timeout=WAIT)
    await vpage.screenshot(path=str(shots / "story-5-verified-360.png"), full_page=True)
    await _no_overflow(vpage)

    # 8. one staff member proposes the issuance, another approves it (four eyes)
    async with httpx.AsyncClient(base_url=live, timeout=30) as http:
        r = await http.post("/v1/admin/issuances", headers=staff, json={"report_id": report_id})
        assert r.status_code == 201, r.text
        issuance_id = r.json()["issuance_id"]
        refused = await http.post(
            f"/v1/admin/issuances/{issuance_id}/approve", headers=staff, json={}
        )
        assert refused.status_code in (403, 409), refused.text
        r = await http.post(f"/v1/admin/issuances/{issuance_id}/approve", headers=second, json={})
        assert r.status_code in (200, 201), r.text
        assert r.json()["status"] == "issued", r.text

    # 9. the organisation sees its issuance: one block of 550 t in its holdings on /org
    async with httpx.AsyncClient(base_url=live, timeout=30) as http:
        me = await _token(http, member["username"], member["password"])
        projects = (await http.get("/v1/org/projects", headers=me)).json()
        rows = projects["items"] if isinstance(projects, dict) else projects
        code = next(p["code"] for p in rows if p["project_id"] == project_id)
        profile = (await http.get("/v1/org/me", headers=me)).json()
        assert profile["organisation"]["organisation_id"] == org_id
        assert [a["balance_t"] for a in profile["accounts"]] == [550]
    await page.reload()
    block = page.locator("#holdings-list tr[data-block]")
    await block.wait_for(timeout=WAIT)
    assert await block.count() == 1
    text = await block.inner_text()
    assert code and code in text and "550" in text and "2025" in text, (code, text)
    await page.locator("#holdings-list").scroll_into_view_if_needed()
    await page.screenshot(path=str(shots / "story-6-holdings-360.png"), full_page=True)
    await page.locator("#holdings-list").screenshot(path=str(shots / "story-6-holdings-block.png"))
    await _no_overflow(page)

    for off_site, errors in watched:
        assert off_site.requests == []
        assert errors == [], errors
    for ctx in contexts:
        await ctx.close()
