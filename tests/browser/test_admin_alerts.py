"""The supervision alerts section of the staff dashboard (/admin, #alerts) in headless Chromium:
operations sees an open alert with its evidence, acknowledges it with a note and resolves it (a
note is required); an auditor reads without buttons. 360 px, nothing from another origin."""

from __future__ import annotations

from domain.clock import utcnow
from domain.identity.principal import Role
from domain.registry import issuance
from tests.browser.conftest import PHONE
from tests.browser.test_org_page import _watch
from tests.helpers import PASSWORD, make_staff
from tests.registry_units import APPROVER, PROPOSER, verified_report
from tests.registry_world import make_org
from tests.supervision_world import detect

WAIT = 20_000  # ms
ITEM = '#al-list li[data-kind="verifier_overclaim"]'


async def _overclaim(db) -> str:
    verifier = await make_org(db, kind="verifier", name="江苏核证中心")
    _, report_id, _ = await verified_report(db, await make_org(db, name="南京紫金碳汇"), 60)
    async with db.unit_of_work() as uow:
        (await uow.projects.report(report_id)).verifier_org_id = verifier.id
        proposal = await issuance.propose(uow, PROPOSER, report_id=report_id, now=utcnow())
    async with db.unit_of_work() as uow:
        await issuance.decide(
            uow, APPROVER, proposal.id, approve=False, reason="监测数据重复计算", now=utcnow()
        )
    assert (await detect(db, utcnow()))["verifier_overclaim"] == 1
    return report_id


async def _signed_in(browser, live: str, username: str, password: str):
    context = await browser.new_context(viewport=PHONE, locale="zh-CN")
    page = await context.new_page()
    watched = await _watch(page, live)
    await page.goto(f"{live}/admin")
    await page.fill("#login-username", username)
    await page.fill("#login-password", password)
    await page.click("#login-submit")
    await page.wait_for_selector(ITEM, timeout=WAIT)
    return context, page, watched


async def _no_overflow(page) -> None:
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


async def test_acknowledge_and_resolve_an_alert(live, demo, db, browser, shots) -> None:
    report_id = await _overclaim(db)
    operations = next(s for s in demo["staff"] if s["role"] == "operations")
    context, page, (off_site, errors) = await _signed_in(
        browser, live, operations["username"], operations["password"]
    )
    item = page.locator(ITEM)
    assert await item.locator(".status").get_attribute("data-status") == "open"
    assert "核查机构核证量高于最终认定" in await item.inner_text()
    await item.locator("summary").click()
    evidence = await item.locator("pre").inner_text()
    assert report_id in evidence and '"gap_t": 60' in evidence
    await _no_overflow(page)
    await page.locator("#alerts").screenshot(path=str(shots / "admin-alerts-360.png"))

    # acknowledge with a note; it stays among the unresolved
    await item.locator("input[name=note]").fill("已联系核查机构")
    await item.locator("button.ack").click()
    await page.locator(f'{ITEM} .status[data-status="acknowledged"]').wait_for(timeout=WAIT)
    assert "已联系核查机构" in await page.locator(ITEM).inner_text()
    # resolving needs a note
    await page.locator(f"{ITEM} button.resolve").click()
    await page.locator(f"{ITEM} .row-err", has_text="必填").wait_for(timeout=WAIT)
    await page.locator(f"{ITEM} input[name=note]").fill("核证量已更正，约谈核查机构")
    await page.locator(f"{ITEM} button.resolve").click()
    await page.locator(ITEM).wait_for(state="detached", timeout=WAIT)
    await page.select_option("#al-status", "resolved")
    await page.locator(f'{ITEM} .status[data-status="resolved"]').wait_for(timeout=WAIT)
    assert "约谈核查机构" in await page.locator(ITEM).inner_text()
    assert not await page.locator(f"{ITEM} button").count()
    await _no_overflow(page)
    assert not errors, errors
    assert not off_site.requests, off_site.requests
    await context.close()


async def test_an_auditor_reads_alerts_without_buttons(live, demo, db, browser, shots) -> None:
    await _overclaim(db)
    await make_staff(db, "auditor-al", Role.AUDITOR)
    context, page, (off_site, errors) = await _signed_in(browser, live, "auditor-al", PASSWORD)
    assert "审计账号只读" in await page.locator("#alerts").inner_text()
    assert await page.locator(f"{ITEM} button").count() == 0
    assert not await page.locator("#al-scan").is_visible()
    await page.click("#lang-toggle")
    await page.locator(ITEM, has_text="Verifier passed more than accepted").wait_for(timeout=WAIT)
    await page.locator("#alerts").screenshot(path=str(shots / "admin-alerts-auditor-en-360.png"))
    assert not errors, errors
    assert not off_site.requests, off_site.requests
    await context.close()
