"""Public institutions in headless Chromium at 360 px: the demo institution's admin member sees
its members' totals and rank on /org and issues an invite code; a citizen enters it in the H5
(under 我的) and sees the institution joined; /org then counts one member more. An institution
with fewer members than PUHUI_INSTITUTION_MIN_MEMBERS (5) sees a message instead of figures."""

from __future__ import annotations

from tests.browser.conftest import PHONE
from tests.browser.test_neutrality_page import _signed_in
from tests.browser.test_org_page import _no_overflow, _sign_in, _watch
from tests.registry_world import PASSWORD, make_member, make_org

WAIT = 20_000  # ms


def _institution_member(demo: dict) -> dict:
    return next(m for m in demo["registry"]["members"] if m["username"] == "institution")


async def test_staff_join_with_a_code_and_the_institution_sees_totals(
    browser, live, demo, shots
) -> None:
    member = _institution_member(demo)
    context = await browser.new_context(viewport=PHONE, locale="zh-CN")
    org = await context.new_page()
    off_site, errors = await _watch(org, live)
    await org.goto(live + "/org")
    await _sign_in(org, member["username"], member["password"])
    await org.wait_for_selector("#inst-members", timeout=WAIT)
    before = int((await org.inner_text("#inst-members")).replace(",", ""))
    assert before == 5  # the demo riders who joined
    assert "公共机构" in await org.inner_text("#inst-rank")
    assert await org.locator("#inst-withheld, #inst-month-withheld").count() == 0
    assert "—" not in await org.inner_text("#inst-table")  # this month's figures show too
    await org.fill("#inst-max-uses", "10")
    await org.click("#inst-issue")
    await org.wait_for_selector("#inst-issued:not(.hidden)", timeout=WAIT)
    code = await org.get_attribute("#inst-issued", "data-code")
    assert code and len(code) == 8
    await org.wait_for_selector(f"#inst-codes-table tr[data-code='{code}']", timeout=WAIT)
    await _no_overflow(org)
    await org.screenshot(path=str(shots / "institution-org.png"), full_page=True)
    await org.locator("#screen-institution").screenshot(path=str(shots / "institution-card.png"))

    h5 = await context.new_page()
    h5_off_site, h5_errors = await _watch(h5, live)
    await _signed_in(h5, live)
    await h5.click("#tabs button[data-view='me']")
    await h5.wait_for_selector("#in-none", timeout=WAIT)
    await h5.fill("#in-code", "WRONG123")
    await h5.click("#in-join")
    await h5.wait_for_selector("#in-err:not(.hidden)", timeout=WAIT)
    assert "邀请码不正确" in await h5.inner_text("#in-err")
    await h5.fill("#in-code", code.lower()[:4] + "-" + code.lower()[4:])
    await h5.click("#in-join")
    await h5.wait_for_selector("#in-name", timeout=WAIT)
    assert "鼓楼区机关事务管理局" in await h5.inner_text("#in-name")
    assert await h5.is_visible("#in-leave")
    await _no_overflow(h5)
    await h5.screenshot(path=str(shots / "institution-h5.png"), full_page=True)

    await org.reload()
    await org.wait_for_selector("#inst-members", timeout=WAIT)
    assert int((await org.inner_text("#inst-members")).replace(",", "")) == before + 1
    uses = await org.inner_text(f"#inst-codes-table tr[data-code='{code}'] td.num")
    assert uses.startswith("1 /")
    for errs in (errors, h5_errors):
        assert not [e for e in errs if "409" not in e and "404" not in e], errs
    assert not off_site.requests and not h5_off_site.requests
    await context.close()


async def test_a_small_institution_sees_a_message_instead_of_figures(
    browser, live, demo, db, shots
) -> None:
    org = await make_org(db, kind="public_institution", name="小小机关")
    username = await make_member(db, org.id)
    context = await browser.new_context(viewport=PHONE, locale="zh-CN")
    page = await context.new_page()
    off_site, errors = await _watch(page, live)
    await page.goto(live + "/org")
    await _sign_in(page, username, PASSWORD)
    await page.wait_for_selector("#inst-withheld", timeout=WAIT)
    assert "成员达到 5 人后才显示" in await page.inner_text("#inst-withheld")
    assert await page.inner_text("#inst-members") == "0"
    assert await page.locator("#inst-table, #inst-rank").count() == 0
    await _no_overflow(page)
    await page.locator("#screen-institution").screenshot(
        path=str(shots / "institution-withheld.png")
    )
    await page.click("#lang-toggle")
    await page.wait_for_selector("#inst-withheld:has-text('5 members')", timeout=WAIT)
    assert "Figures appear once 5 members have joined" in await page.inner_text("#inst-withheld")
    assert not errors, errors
    assert not off_site.requests
    await context.close()


async def test_the_dashboard_is_cut_by_district(browser, live, demo, shots) -> None:
    [admin] = [s for s in demo["staff"] if s["role"] == "admin"]
    context = await browser.new_context(viewport=PHONE, locale="zh-CN")
    page = await context.new_page()
    off_site, errors = await _watch(page, live)
    await page.goto(live + "/admin")
    await page.fill("#login-username", admin["username"])
    await page.fill("#login-password", admin["password"])
    await page.click("#login-submit")
    await page.wait_for_selector('#tiles [data-tile="trips"] .v[data-value]', timeout=WAIT)
    await page.wait_for_selector("#district option[value='jiangbei']", state="attached")
    assert "江北新区" in await page.inner_text("#district")
    async with page.expect_response(lambda r: "district=jiangning" in r.url) as answer:
        await page.select_option("#district", "jiangning")
    body = await (await answer.value).json()
    assert body["district"] == "jiangning" and "by_day_mode" in body["cut_by_district"]
    await _no_overflow(page)
    await page.screenshot(path=str(shots / "dashboard-district.png"))
    assert not errors, errors
    assert not off_site.requests
    await context.close()
