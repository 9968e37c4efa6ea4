"""Organisations apply with a valid unified social credit code; staff approve (organisation,
holding account and first member in one go) or reject."""

from __future__ import annotations

import jwt
from sqlalchemy import select

from domain.identity.principal import Role
from domain.persistence.tables import AuditEntry
from tests.helpers import assert_problem, bearer, staff_login
from tests.registry_world import a_uscc


def application(uscc: str | None = None, kind: str = "enterprise", **extra) -> dict:
    body = {
        "name": "Nanjing Green Forestry Co.",
        "uscc": uscc or a_uscc(),
        "kind": kind,
        "contact": {"name": "Wang Fang", "email": "wang@example.cn"},
        "district": "qixia",
    }
    return body | extra


async def staff(client, db, role=Role.OPERATIONS) -> dict:
    return bearer((await staff_login(client, db, role))["access_token"])


async def apply_and_approve(client, db, kind: str = "enterprise") -> dict:
    r = await client.post("/v1/org-applications", json=application(kind=kind))
    assert r.status_code == 201, r.text
    r = await client.post(
        "/v1/admin/organisations",
        headers=await staff(client, db),
        json={"application_id": r.json()["application_id"]},
    )
    assert r.status_code == 201, r.text
    return r.json()


async def test_a_wrong_code_is_a_422_naming_the_field(client) -> None:
    good = a_uscc()
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    for code in (wrong, "91320100", good[:-1] + "I"):
        body = assert_problem(
            await client.post("/v1/org-applications", json=application(code)), 422, "invalid_uscc"
        )
        assert body["field"] == "uscc" and "uscc" in body["detail"]


async def test_bad_shapes_are_422s(client) -> None:
    for bad in (
        application(kind="bank"),
        application(name="x" * 201),
        application(contact={"name": "a", "email": "not-an-email"}),
        application(district="d" * 33),
        application(extra="no"),
    ):
        assert (await client.post("/v1/org-applications", json=bad)).status_code in (400, 422)


async def test_one_pending_application_per_code_and_none_for_a_held_code(client, db) -> None:
    code = a_uscc()
    r = await client.post("/v1/org-applications", json=application(code))
    assert r.status_code == 201 and r.json()["status"] == "pending"
    again = await client.post("/v1/org-applications", json=application(code.lower()))
    assert_problem(again, 409, "application_pending")
    h = await staff(client, db)
    await client.post(
        "/v1/admin/organisations", headers=h, json={"application_id": r.json()["application_id"]}
    )
    held = await client.post("/v1/org-applications", json=application(code))
    assert_problem(held, 409, "organisation_exists")


async def test_approval_creates_organisation_account_and_a_member_who_signs_in(client, db) -> None:
    approved = await apply_and_approve(client, db)
    org, member = approved["organisation"], approved["member"]
    assert approved["account_id"] == f"reg:{org['organisation_id']}"
    assert member["role"] == "org" and len(member["password"]) >= 20
    r = await client.post(
        "/v1/auth/staff", json={"username": member["username"], "password": member["password"]}
    )
    assert r.status_code == 200, r.text
    claims = jwt.decode(r.json()["access_token"], options={"verify_signature": False})
    assert (claims["role"], claims["org_id"]) == ("org", org["organisation_id"])
    me = await client.get("/v1/org/me", headers=bearer(r.json()["access_token"]))
    assert me.status_code == 200, me.text
    assert me.json()["organisation"]["uscc"] == org["uscc"]
    assert me.json()["accounts"] == [
        {
            "account_id": approved["account_id"],
            "kind": "holding",
            "name": org["name"],
            "balance_t": 0,
            "holdings_url": f"/v1/registry/accounts/{approved['account_id']}/holdings",
        }
    ]
    async with db.unit_of_work() as uow:
        actions = set(
            (await uow.session.execute(select(AuditEntry.action))).scalars()  # type: ignore[attr-defined]
        )
    assert {"org_application.approve", "organisation.create", "staff.create"} <= actions


async def test_a_verifier_organisation_gets_a_verifier_member(client, db) -> None:
    approved = await apply_and_approve(client, db, kind="verifier")
    assert approved["member"]["role"] == "verifier"


async def test_an_application_is_decided_once(client, db) -> None:
    r = await client.post("/v1/org-applications", json=application())
    app_id = r.json()["application_id"]
    h = await staff(client, db)
    assert_problem(
        await client.post(f"/v1/admin/org-applications/{app_id}/reject", headers=h, json={}),
        400,
    )
    r = await client.post(
        f"/v1/admin/org-applications/{app_id}/reject", headers=h, json={"reason": "no permit"}
    )
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    assert r.json()["reason"] == "no permit"
    again = await client.post("/v1/admin/organisations", headers=h, json={"application_id": app_id})
    assert_problem(again, 409, "application_decided")
    missing = await client.post(
        "/v1/admin/organisations", headers=h, json={"application_id": "0" * 26}
    )
    assert_problem(missing, 404, "application_not_found")


async def test_staff_roles_for_applications(client, db) -> None:
    r = await client.post("/v1/org-applications", json=application())
    app_id = r.json()["application_id"]
    auditor = await staff(client, db, Role.AUDITOR)
    listed = await client.get("/v1/admin/org-applications?status=pending", headers=auditor)
    assert [a["application_id"] for a in listed.json()["items"]] == [app_id]
    shown = await client.get(f"/v1/admin/org-applications/{app_id}", headers=auditor)
    assert shown.json()["contact"]["name"] == "Wang Fang"
    denied = await client.post(
        "/v1/admin/organisations", headers=auditor, json={"application_id": app_id}
    )
    assert_problem(denied, 403)
    assert (await client.get("/v1/admin/org-applications")).status_code == 401
    await client.post(
        "/v1/admin/organisations", headers=await staff(client, db), json={"application_id": app_id}
    )
    orgs = (await client.get("/v1/admin/organisations", headers=auditor)).json()["items"]
    assert [o["application_id"] for o in orgs] == [app_id]
    one = await client.get(f"/v1/admin/organisations/{orgs[0]['organisation_id']}", headers=auditor)
    assert one.json()["kind"] == "enterprise"
