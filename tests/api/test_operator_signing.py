"""Operator creation and key rotation (admin), and HMAC verification exactly as API.md says."""

from __future__ import annotations

import time

import pytest
from litestar.testing import AsyncTestClient

from domain.crypto import DataProtector
from domain.identity.principal import Role
from tests.helpers import assert_problem, bearer, make_operator, signed_headers, staff_login


@pytest.fixture
def protector(settings) -> DataProtector:
    return DataProtector(settings.data_key)


async def _ping(client, operator_id, key_id, secret, **kw):
    path = f"/v1/operators/{operator_id}/ping"
    return await client.get(path, headers=signed_headers("GET", path, key_id, secret, **kw))


async def test_admin_creates_operator_secret_shown_once(client: AsyncTestClient, db) -> None:
    admin = await staff_login(client, db, Role.ADMIN)
    h = bearer(admin["access_token"])
    r = await client.post(
        "/v1/admin/operators", json={"name": "南京地铁", "kind": "metro"}, headers=h
    )
    assert r.status_code == 201
    created = r.json()
    secret = created["key"]["secret"]
    assert len(secret) >= 40

    detail = await client.get(f"/v1/admin/operators/{created['operator_id']}", headers=h)
    assert detail.status_code == 200
    assert secret not in detail.text
    assert [k["key_id"] for k in detail.json()["keys"]] == [created["key"]["key_id"]]
    # stored encrypted, not in the clear
    async with db.unit_of_work() as uow:
        key = await uow.operators.key(created["key"]["key_id"])
    assert secret not in key.secret_encrypted

    r = await _ping(client, created["operator_id"], created["key"]["key_id"], secret)
    assert r.status_code == 200
    assert r.json()["kind"] == "metro"


async def test_operator_kind_is_validated(client, db) -> None:
    admin = await staff_login(client, db, Role.ADMIN)
    r = await client.post(
        "/v1/admin/operators",
        json={"name": "X", "kind": "ferry"},
        headers=bearer(admin["access_token"]),
    )
    assert_problem(r, 400, "validation_failed")


async def test_signed_post_with_body_and_query(client, db, protector) -> None:
    op, key, secret = await make_operator(db, protector)
    path = f"/v1/operators/{op}/ping?probe=1"
    r = await client.get(path, headers=signed_headers("GET", path, key, secret))
    assert r.status_code == 200
    # the query is part of what is signed
    signed_for_other = signed_headers("GET", f"/v1/operators/{op}/ping?probe=2", key, secret)
    assert_problem(await client.get(path, headers=signed_for_other), 401, "bad_signature")


async def test_timestamp_window(client, db, protector) -> None:
    op, key, secret = await make_operator(db, protector)
    now = int(time.time())
    assert (await _ping(client, op, key, secret, timestamp=now - 290)).status_code == 200
    assert_problem(
        await _ping(client, op, key, secret, timestamp=now - 320), 401, "stale_timestamp"
    )
    assert_problem(
        await _ping(client, op, key, secret, timestamp=now + 320), 401, "stale_timestamp"
    )


async def test_nonce_is_accepted_once(client, db, protector) -> None:
    op, key, secret = await make_operator(db, protector)
    assert (await _ping(client, op, key, secret, nonce="n-1")).status_code == 200
    assert_problem(await _ping(client, op, key, secret, nonce="n-1"), 401, "nonce_reused")


async def test_a_bad_signature_does_not_burn_the_nonce(client, db, protector) -> None:
    op, key, secret = await make_operator(db, protector)
    assert_problem(await _ping(client, op, key, "wrong-secret", nonce="n-2"), 401, "bad_signature")
    assert (await _ping(client, op, key, secret, nonce="n-2")).status_code == 200


async def test_key_of_another_operator_is_401(client, db, protector) -> None:
    op_a, _, _ = await make_operator(db, protector)
    _, key_b, secret_b = await make_operator(db, protector)
    assert_problem(await _ping(client, op_a, key_b, secret_b), 401, "bad_key")


async def test_unknown_key_and_missing_headers_are_401(client, db, protector) -> None:
    op, _, secret = await make_operator(db, protector)
    assert_problem(await _ping(client, op, "key_nope", secret), 401, "bad_key")
    assert_problem(await client.get(f"/v1/operators/{op}/ping"), 401, "missing_signature")


async def test_rotation_and_revocation(client, db, protector) -> None:
    op, old_key, old_secret = await make_operator(db, protector)
    admin = await staff_login(client, db, Role.OPERATIONS)
    h = bearer(admin["access_token"])
    r = await client.post(f"/v1/admin/operators/{op}/keys", json={}, headers=h)
    assert r.status_code == 201
    new = r.json()
    assert (await _ping(client, op, new["key_id"], new["secret"])).status_code == 200
    assert (await _ping(client, op, old_key, old_secret)).status_code == 200  # grace: both live

    r = await client.delete(f"/v1/admin/operators/{op}/keys/{old_key}", headers=h)
    assert r.status_code == 204
    assert_problem(await _ping(client, op, old_key, old_secret), 401, "bad_key")

    r = await client.post(f"/v1/admin/operators/{op}/keys", json={"revoke_others": True}, headers=h)
    newest = r.json()
    assert_problem(await _ping(client, op, new["key_id"], new["secret"]), 401, "bad_key")
    assert (await _ping(client, op, newest["key_id"], newest["secret"])).status_code == 200

    audit = await client.get(
        "/v1/admin/audit",
        headers=bearer((await staff_login(client, db, Role.AUDITOR))["access_token"]),
    )
    actions = [e["action"] for e in audit.json()["items"]]
    assert actions.count("operator.key.rotate") == 2
    assert "operator.key.revoke" in actions


async def test_rotating_an_unknown_operator_is_404(client, db) -> None:
    admin = await staff_login(client, db, Role.ADMIN)
    r = await client.post("/v1/admin/operators/01NOPE/keys", headers=bearer(admin["access_token"]))
    assert_problem(r, 404, "operator_not_found")
