"""The registry section of the staff dashboard (/admin) in headless Chromium: a monitoring report
assigned to a verifier, whose member files the opinion on /org; the issuance proposed by one
staff member, refused to the same one and approved by another; the demo's aggregation of last
month reconciled, and aggregating it (or an earlier month) again refused on the form; the
expert pool and a review with its panel and seed. 360 px phones, nothing from another origin."""

from __future__ import annotations

import uuid

import httpx

from demo.citizens_aggregate import previous_month
from domain.clock import shanghai_date, utcnow
from tests.browser.conftest import PHONE, OffSite
from tests.helpers import PASSWORD
from tests.integration.test_demo_registry import CITIZENS_T
from tests.registry_units import NJ_FC_V1, verified_report
from tests.registry_world import make_member, make_org

LAPTOP = {"width": 1280, "height": 800}


async def _watch(page, base: str) -> tuple[OffSite, list[str]]:
    off_site, errors = OffSite(base), []
    page.on("request", off_site)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return off_site, errors


async def _admin(browser, live: str, who: dict, viewport=LAPTOP):
    context = await browser.new_context(viewport=viewport, locale="zh-CN")
    page = await context.new_page()
    watched = await _watch(page, live)
    await page.goto(f"{live}/admin")
    await page.fill("#login-username", who["username"])
    await page.fill("#login-password", who["password"])
    await page.click("#login-submit")
    await page.wait_for_selector("#registry #reg-body .reg-box")
    return context, page, watched


async def test_assign_verify_propose_and_approve(live, demo, db, browser, shots) -> None:
    admin = next(s for s in demo["staff"] if s["role"] == "admin")
    operations = next(s for s in demo["staff"] if s["role"] == "operations")
    verifier = await make_org(db, kind="verifier", name="江苏核证中心")
    checker = await make_member(db, verifier.id, role=_role("verifier"))
    holder = await make_org(db, name="南京紫金碳汇")
    project_id, _, code = await verified_report(db, holder, 50)
    async with httpx.AsyncClient(base_url=live) as http:
        member = await make_member(db, holder.id)
        r = await http.post("/v1/auth/staff", json={"username": member, "password": PASSWORD})
        h = {"Authorization": f"Bearer {r.json()['access_token']}"}
        r = await http.post(
            f"/v1/org/projects/{project_id}/monitoring-reports",
            headers=h,
            json={"period_start": "2026-01-01", "period_end": "2026-03-31", "claimed_t": 40},
        )
        assert r.status_code == 201, r.text
        report_id = r.json()["report_id"]

    # staff assign the report to the verifier organisation
    desk, page, (off_site, errors) = await _admin(browser, live, admin)
    row = page.locator(f'#reports-queue li[data-report="{report_id}"]')
    await row.wait_for()
    await row.locator("select.verifier").select_option(verifier.id)
    await row.locator("button.assign").click()
    await row.wait_for(state="detached")

    # the verifier's member files the opinion on /org
    phone = await browser.new_context(viewport=PHONE, locale="zh-CN")
    vpage = await phone.new_page()
    v_off, v_errors = await _watch(vpage, live)
    await vpage.goto(f"{live}/org")
    await vpage.fill("#login-username", checker)
    await vpage.fill("#login-password", PASSWORD)
    await vpage.click("#login-submit")
    item = vpage.locator(f'#verify-list li[data-report="{report_id}"]')
    await item.wait_for()
    assert "40" in await item.inner_text()
    await item.locator("select[name=decision]").select_option("verified")
    await item.locator("input[name=verified_t]").fill("30")
    await item.locator("textarea[name=findings]").fill("抽样核查一致")
    await item.locator("button[type=submit]").click()
    await item.locator('[data-status="verified"]').wait_for()
    await vpage.screenshot(path=str(shots / "org-verifier-360.png"), full_page=True)
    assert await vpage.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # one staff member proposes the issuance; the same one is refused the approval
    await page.click("#reg-refresh")
    verified = page.locator(f'#verified-queue li[data-report="{report_id}"]')
    await verified.locator("button.propose").click()
    await verified.wait_for(state="detached")
    proposal = page.locator("#issuances-queue li[data-issuance]", has_text=code)
    await proposal.wait_for()
    assert await proposal.locator(".mine").count() == 1
    await proposal.locator("button.approve").click()
    await proposal.locator(".row-err:not(:empty)").wait_for()
    await page.screenshot(path=str(shots / "admin-registry-four-eyes.png"), full_page=True)

    # another approves it: one block in the holder's account
    desk2, page2, (off2, errors2) = await _admin(browser, live, operations, viewport=PHONE)
    theirs = page2.locator("#issuances-queue li[data-issuance]", has_text=code)
    await theirs.wait_for()
    assert await theirs.locator(".mine").count() == 0
    await theirs.locator("button.approve").click()
    await theirs.wait_for(state="detached")
    assert await page2.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    await page2.screenshot(path=str(shots / "admin-registry-360.png"), full_page=True)
    async with httpx.AsyncClient(base_url=live) as http:
        held = await http.get(f"/v1/registry/accounts/{holder.account_id}/holdings", headers=h)
        assert [b["quantity"] for b in held.json()["items"]] == [30]

    assert off_site.requests == v_off.requests == off2.requests == []
    assert [e for e in errors if "status of 409" not in e] == [], errors
    assert v_errors == [] and errors2 == [], (v_errors, errors2)
    for c in (desk, phone, desk2):
        await c.close()


async def test_aggregations_experts_and_reviews(live, demo, browser, shots) -> None:
    admin = next(s for s in demo["staff"] if s["role"] == "admin")
    desk, page, (off_site, errors) = await _admin(browser, live, admin)

    # the demo's aggregation of last month (issued and listed already), reconciled with the
    # citizens' ledger; that month again is refused on the form, and so is an earlier one (the
    # demo's carried remainder would no longer follow it)
    start, end = previous_month(shanghai_date(utcnow()))
    row = page.locator("#aggregations-list li[data-aggregation]", has_text=start.isoformat())
    await row.wait_for()
    assert await row.locator(".pill.tonnes").inner_text() == f"{CITIZENS_T} t"
    assert await row.locator("button.propose").count() == 0
    await row.locator("button.reconcile").click()
    await row.locator('.recon[data-reconciles="true"]').wait_for()
    await page.select_option("#agg-form-kind", "month")
    for month, refusal in (
        (start.strftime("%Y-%m"), f"{start.isoformat()}..{end.isoformat()} is already aggregated"),
        ("2025-01", "carried remainder would no longer follow"),
    ):
        await page.fill("#agg-form-month", month)
        await page.click("#agg-form button[type=submit]")
        await page.locator("#agg-form .form-err", has_text=refusal).wait_for()

    # an expert with an account: the password is shown once
    field = f"hydrology-{uuid.uuid4().hex[:6]}"
    username = f"expert-{uuid.uuid4().hex[:6]}"
    await page.fill("#expert-form-name", "李明")
    await page.fill("#expert-form-fields", field)
    await page.fill("#expert-form-affiliation", "河海大学")
    await page.fill("#expert-form-username", username)
    await page.click("#expert-form button[type=submit]")
    await page.wait_for_selector("#expert-password:not(.hidden)")
    assert await page.get_attribute("#expert-password", "data-username") == username
    assert await page.inner_text("#expert-password .secret")
    expert = page.locator("#experts-list li[data-expert]", has_text="李明")
    expert_id = await expert.get_attribute("data-expert")

    # a review of the methodology version drawn from that field, with a recorded seed
    await page.select_option("#review-form-subject_kind", "methodology")
    await page.fill("#review-form-subject_id", NJ_FC_V1)
    await page.fill("#review-form-panel_size", "1")
    await page.fill("#review-form-field", field)
    await page.fill("#review-form-seed", "audit-2026")
    await page.click("#review-form button[type=submit]")
    review = page.locator("#reviews-list li[data-review]", has_text="audit-2026")
    await review.wait_for()
    await review.locator("button.show").click()
    await review.locator(f'.panel li[data-expert="{expert_id}"]').wait_for()
    await page.screenshot(path=str(shots / "admin-registry-pool.png"), full_page=True)

    # deactivated: marked inactive
    await expert.locator("button.deactivate").click()
    await page.locator(f'#experts-list li[data-expert="{expert_id}"] .pill.bad').wait_for()

    assert off_site.requests == []
    assert [e for e in errors if "status of 409" not in e] == [], errors
    await desk.close()


def _role(name: str):
    from domain.identity.principal import Role

    return Role(name)
