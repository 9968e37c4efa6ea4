"""Holdings: an account's open blocks, oldest vintage first, for its organisation's members and
for staff; others are refused."""

from __future__ import annotations

from domain.identity.principal import Role
from domain.registry.accounts import PUBLIC_BEHAVIOUR
from tests.helpers import assert_problem, bearer, citizen_login, staff_login
from tests.registry_units import issued_aggregation, issued_units
from tests.registry_world import make_org, org_login


def url(account: str) -> str:
    return f"/v1/registry/accounts/{account}/holdings"


async def test_blocks_oldest_vintage_first_with_full_serials(client, db):
    org = await make_org(db)
    member = await org_login(client, db, org.id)
    late = await issued_units(db, org, 40, vintage=2025)
    early = await issued_units(db, org, 7, vintage=2022, unit_class="II")
    r = await client.get(url(org.account_id), headers=member["headers"])
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert [i["block"] for i in items] == [early.label, late.label]
    first = items[0]
    assert first == {
        "block": early.label,
        "serial_start": f"{early.prefix}-1",
        "serial_end": f"{early.prefix}-7",
        "quantity": 7,
        "vintage": 2022,
        "class": "II",
        "project_code": early.project_code,
        "issuance_no": 1,
        "status": "active",
    }


async def test_pages_follow_the_spending_order(client, db):
    org = await make_org(db)
    member = await org_login(client, db, org.id)
    made = [await issued_units(db, org, 2, vintage=v) for v in (2025, 2021, 2023)]
    labels = [m.label for m in sorted(made, key=lambda m: m.vintage)]
    seen, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = await client.get(url(org.account_id), params=params, headers=member["headers"])
        body = page.json()
        seen += [i["block"] for i in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == labels
    bad = await client.get(
        url(org.account_id), params={"cursor": "WzFd"}, headers=member["headers"]
    )
    assert_problem(bad, 422, "invalid_cursor")


async def test_who_may_see(client, db):
    org, other = await make_org(db), await make_org(db, kind="verifier")
    await issued_units(db, org, 3)
    await issued_aggregation(db, 2)
    outsider = await org_login(client, db, other.id, Role.VERIFIER)
    assert_problem(await client.get(url(org.account_id), headers=outsider["headers"]), 403)
    verifier_of_org = await org_login(client, db, org.id, Role.VERIFIER)
    assert (await client.get(url(org.account_id), headers=verifier_of_org["headers"])).is_success
    for role in (Role.ADMIN, Role.OPERATIONS, Role.AUDITOR):
        staff = bearer((await staff_login(client, db, role))["access_token"])
        r = await client.get(url(org.account_id), headers=staff)
        assert r.status_code == 200 and len(r.json()["items"]) == 1
        assert len((await client.get(url(PUBLIC_BEHAVIOUR), headers=staff)).json()["items"]) == 1
    assert_problem(await client.get(url(PUBLIC_BEHAVIOUR), headers=outsider["headers"]), 403)
    citizen = await citizen_login(client)
    r = await client.get(url(org.account_id), headers=bearer(citizen["access_token"]))
    assert_problem(r, 403)
    admin = bearer((await staff_login(client, db, Role.ADMIN))["access_token"])
    assert_problem(await client.get(url("reg:nobody"), headers=admin), 404, "account_not_found")
    assert (await client.get(url(org.account_id))).status_code == 401
