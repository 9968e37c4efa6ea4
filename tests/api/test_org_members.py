"""An organisation's admin members manage its members, within their own organisation only; a
disabled member's token stops at once."""

from __future__ import annotations

from domain.identity.principal import Role
from tests.helpers import assert_problem, bearer, staff_login
from tests.registry_world import make_org, org_login


async def sign_in(client, username: str, password: str) -> dict:
    r = await client.post("/v1/auth/staff", json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return bearer(r.json()["access_token"])


async def test_the_admin_member_adds_lists_and_disables_members(client, db) -> None:
    org = await make_org(db)
    admin = (await org_login(client, db, org.id))["headers"]
    r = await client.post("/v1/org/members", headers=admin, json={"username": "li.ming"})
    assert r.status_code == 201, r.text
    added = r.json()
    assert added["member"]["role"] == "org" and not added["member"]["org_admin"]
    member = await sign_in(client, "li.ming", added["password"])
    me = await client.get("/v1/org/me", headers=member)
    assert me.json()["organisation"]["organisation_id"] == org.id
    assert (me.json()["you"]["username"], me.json()["you"]["org_admin"]) == ("li.ming", False)
    mine = (await client.get("/v1/org/me", headers=admin)).json()["you"]
    assert mine["org_admin"] is True  # the page shows member management to admins only

    listed = (await client.get("/v1/org/members", headers=admin)).json()["items"]
    assert "li.ming" in [m["username"] for m in listed] and len(listed) == 2

    staff_id = added["member"]["staff_id"]
    r = await client.post(f"/v1/org/members/{staff_id}/disable", headers=admin)
    assert r.status_code == 200 and r.json()["active"] is False
    assert_problem(await client.get("/v1/org/me", headers=member), 401)  # at once
    r = await client.post(
        "/v1/auth/staff", json={"username": "li.ming", "password": added["password"]}
    )
    assert r.status_code == 401


async def test_a_verifier_organisation_adds_verifiers(client, db) -> None:
    org = await make_org(db, kind="verifier")
    admin = (await org_login(client, db, org.id, Role.VERIFIER))["headers"]
    r = await client.post("/v1/org/members", headers=admin, json={"username": "checker"})
    assert r.json()["member"]["role"] == "verifier"


async def test_members_who_are_not_admins_are_refused(client, db) -> None:
    org = await make_org(db)
    plain = (await org_login(client, db, org.id, admin=False))["headers"]
    assert_problem(await client.get("/v1/org/members", headers=plain), 403, "org_admin_required")
    r = await client.post("/v1/org/members", headers=plain, json={"username": "sneaky"})
    assert_problem(r, 403, "org_admin_required")
    assert (await client.get("/v1/org/me", headers=plain)).status_code == 200


async def test_members_are_scoped_to_their_organisation(client, db) -> None:
    mine, theirs = await make_org(db), await make_org(db)
    admin = (await org_login(client, db, mine.id))["headers"]
    other = await org_login(client, db, theirs.id)
    async with db.unit_of_work() as uow:
        outsider = (await uow.organisations.members(theirs.id, after=None, limit=10))[0]
    listed = (await client.get("/v1/org/members", headers=admin)).json()["items"]
    assert outsider.id not in [m["staff_id"] for m in listed] and len(listed) == 1
    r = await client.post(f"/v1/org/members/{outsider.id}/disable", headers=admin)
    assert_problem(r, 404, "member_not_found")
    assert (await client.get("/v1/org/me", headers=other["headers"])).status_code == 200
    me = (await client.get("/v1/org/me", headers=admin)).json()
    assert me["organisation"]["organisation_id"] == mine.id


async def test_an_admin_cannot_disable_themself_and_other_roles_are_refused(client, db) -> None:
    org = await make_org(db)
    admin = (await org_login(client, db, org.id))["headers"]
    listed = (await client.get("/v1/org/members", headers=admin)).json()["items"]
    r = await client.post(f"/v1/org/members/{listed[0]['staff_id']}/disable", headers=admin)
    assert_problem(r, 409, "cannot_disable_self")
    ops = bearer((await staff_login(client, db, Role.OPERATIONS))["access_token"])
    assert_problem(await client.get("/v1/org/me", headers=ops), 403, "role_required")
    assert_problem(await client.get("/v1/org/members", headers=ops), 403, "role_required")


async def test_a_taken_or_malformed_username_is_refused(client, db) -> None:
    org = await make_org(db)
    admin = (await org_login(client, db, org.id))["headers"]
    await client.post("/v1/org/members", headers=admin, json={"username": "dup.user"})
    r = await client.post("/v1/org/members", headers=admin, json={"username": "dup.user"})
    assert_problem(r, 409, "username_taken")
    r = await client.post("/v1/org/members", headers=admin, json={"username": "Bad Name!"})
    assert_problem(r, 422, "invalid_username")
