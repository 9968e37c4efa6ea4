"""Admins rotate the certificate key over HTTP; the old key stays published, the rotation is
audited, and only admins may do it."""

from __future__ import annotations

from domain.identity.principal import Role
from tests.helpers import assert_problem, bearer, staff_login

ADMIN_KEYS = "/v1/admin/certificate-keys"


async def test_an_admin_rotates_and_the_old_key_stays_published(client, db) -> None:
    admin = bearer((await staff_login(client, db, Role.ADMIN))["access_token"])
    first = (await client.get(ADMIN_KEYS, headers=admin)).json()
    assert [k["active"] for k in first] == [True]
    r = await client.post(ADMIN_KEYS, headers=admin)
    assert r.status_code == 201, r.text
    new = r.json()
    assert new["active"] is True and new["key_id"] != first[0]["key_id"]
    public = (await client.get("/v1/public/certificate-keys")).json()["keys"]
    assert {k["key_id"]: k["active"] for k in public} == {
        first[0]["key_id"]: False,
        new["key_id"]: True,
    }
    audit = (await client.get("/v1/admin/audit", headers=admin)).json()["items"]
    assert any(e["action"].startswith("certificate_key") for e in audit), audit


async def test_only_admins_rotate(client, db) -> None:
    ops = bearer((await staff_login(client, db, Role.OPERATIONS))["access_token"])
    assert_problem(await client.post(ADMIN_KEYS, headers=ops), 403, "role_required")
    assert (await client.get(ADMIN_KEYS, headers=ops)).status_code == 200
    assert_problem(await client.post(ADMIN_KEYS), 401)
