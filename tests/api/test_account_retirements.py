"""An account's own retirements, in every status: its organisation's members and staff see them
(the public registry shows only final ones), newest first, in pages; nobody else does."""

from __future__ import annotations

from domain.identity.principal import Role
from tests.api.test_retirements import _pending, body_for, retire
from tests.helpers import assert_problem, bearer, staff_login
from tests.registry_units import issued_units
from tests.registry_world import make_org, org_login


async def test_members_and_staff_see_every_status_newest_first(client, db) -> None:
    org = await make_org(db)
    member = await org_login(client, db, org.id)
    await issued_units(db, org, 100)
    first = (await retire(client, member["headers"], body_for(org.account_id, 5))).json()
    second = (await retire(client, member["headers"], body_for(org.account_id, 7))).json()
    pending_id = (await _pending(db, org, 3)).id
    url = f"/v1/registry/accounts/{org.account_id}/retirements"
    page = (await client.get(f"{url}?limit=2", headers=member["headers"])).json()
    assert [r["retirement_id"] for r in page["items"]] == [pending_id, second["retirement_id"]]
    assert [r["status"] for r in page["items"]] == ["pending", "retired"]
    rest = await client.get(f"{url}?cursor={page['next_cursor']}", headers=member["headers"])
    assert [r["retirement_id"] for r in rest.json()["items"]] == [first["retirement_id"]]
    assert rest.json()["next_cursor"] is None
    auditor = bearer((await staff_login(client, db, Role.AUDITOR))["access_token"])
    assert len((await client.get(url, headers=auditor)).json()["items"]) == 3
    public = (await client.get("/v1/public/retirements")).json()["items"]
    assert pending_id not in {r["retirement_id"] for r in public}


async def test_other_organisations_do_not_see_them(client, db) -> None:
    mine, theirs = await make_org(db), await make_org(db)
    them = await org_login(client, db, theirs.id)
    url = f"/v1/registry/accounts/{mine.account_id}/retirements"
    assert_problem(await client.get(url, headers=them["headers"]), 403, "account_not_yours")
    r = await client.get("/v1/registry/accounts/reg:nope/retirements", headers=them["headers"])
    assert_problem(r, 404, "account_not_found")
    assert_problem(await client.get(f"{url}?cursor=abc", headers=them["headers"]), 422)
