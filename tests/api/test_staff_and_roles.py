"""Staff sign-in, role guards per endpoint, staff management, and the audit trail of writes."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from domain.identity.principal import Role
from tests.helpers import (
    PASSWORD,
    assert_problem,
    bearer,
    citizen_login,
    make_merchant,
    make_staff,
    staff_login,
)


async def test_staff_login_carries_role_and_scope(client: AsyncTestClient, db) -> None:
    merchant_id = await make_merchant(db)
    await make_staff(db, "cashier1", Role.MERCHANT, merchant_id)
    r = await client.post("/v1/auth/staff", json={"username": "cashier1", "password": PASSWORD})
    assert r.status_code == 200
    body = r.json()
    assert body["role"] == "merchant"
    assert body["merchant_id"] == merchant_id
    import jwt

    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["role"] == "merchant"
    assert claims["merchant_id"] == merchant_id
    assert claims["typ"] == "staff"


async def test_wrong_password_and_unknown_user_look_the_same(client, db) -> None:
    await make_staff(db, "ops1", Role.OPERATIONS)
    wrong = await client.post("/v1/auth/staff", json={"username": "ops1", "password": "nope"})
    unknown = await client.post("/v1/auth/staff", json={"username": "ghost", "password": "nope"})
    assert (
        assert_problem(wrong, 401, "bad_credentials")["detail"]
        == assert_problem(unknown, 401, "bad_credentials")["detail"]
    )


async def test_stored_password_is_a_memory_hard_hash(db) -> None:
    await make_staff(db, "hashcheck", Role.AUDITOR)
    async with db.unit_of_work() as uow:
        account = await uow.staff.by_username("hashcheck")
    assert account.password_hash.startswith("$argon2id$")
    assert PASSWORD not in account.password_hash


async def test_guards_per_endpoint(client: AsyncTestClient, db) -> None:
    auditor = await staff_login(client, db, Role.AUDITOR)
    ops = await staff_login(client, db, Role.OPERATIONS)
    citizen = await citizen_login(client)
    body = {"name": "Metro", "kind": "metro"}

    assert_problem(await client.post("/v1/admin/operators", json=body), 401)
    r = await client.post("/v1/admin/operators", json=body, headers=bearer(citizen["access_token"]))
    assert_problem(r, 403, "role_required")
    r = await client.post("/v1/admin/operators", json=body, headers=bearer(auditor["access_token"]))
    assert_problem(r, 403, "role_required")
    r = await client.post("/v1/admin/operators", json=body, headers=bearer(ops["access_token"]))
    assert r.status_code == 201
    # auditors read; operations may not manage staff or read the audit log
    r = await client.get("/v1/admin/operators", headers=bearer(auditor["access_token"]))
    assert r.status_code == 200
    r = await client.get("/v1/admin/staff", headers=bearer(ops["access_token"]))
    assert_problem(r, 403)
    r = await client.get("/v1/admin/audit", headers=bearer(auditor["access_token"]))
    assert r.status_code == 200


async def test_staff_tokens_do_not_open_citizen_endpoints(client, db) -> None:
    admin = await staff_login(client, db, Role.ADMIN)
    assert_problem(await client.get("/v1/me", headers=bearer(admin["access_token"])), 403)


async def test_admin_creates_staff_and_it_is_audited(client, db) -> None:
    admin = await staff_login(client, db, Role.ADMIN)
    merchant_id = await make_merchant(db)
    h = bearer(admin["access_token"])
    r = await client.post(
        "/v1/admin/staff",
        json={
            "username": "Till-2",
            "password": "a-long-password",
            "role": "merchant",
            "merchant_id": merchant_id,
        },
        headers=h,
    )
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["username"] == "till-2"
    assert "password" not in r.text

    r = await client.get("/v1/admin/audit", params={"target_id": created["staff_id"]}, headers=h)
    [entry] = r.json()["items"]
    assert entry["action"] == "staff.create"
    assert entry["actor_id"] == admin["staff_id"]
    assert entry["after"]["role"] == "merchant"
    assert entry["request_id"]

    # the new account works, and disabling it ends its sessions
    login = await client.post(
        "/v1/auth/staff", json={"username": "till-2", "password": "a-long-password"}
    )
    assert login.status_code == 200
    r = await client.patch(
        f"/v1/admin/staff/{created['staff_id']}", json={"active": False}, headers=h
    )
    assert r.status_code == 200
    again = await client.post(
        "/v1/auth/refresh", json={"refresh_token": login.json()["refresh_token"]}
    )
    assert_problem(again, 401)


async def test_staff_input_rules(client, db) -> None:
    admin = await staff_login(client, db, Role.ADMIN)
    h = bearer(admin["access_token"])
    pw = "long-enough-1"
    cases = [
        ({"username": "ok-name", "password": "short", "role": "auditor"}, 422, "weak_password"),
        ({"username": "x", "password": pw, "role": "auditor"}, 422, "invalid_username"),
        ({"username": "mer1", "password": pw, "role": "merchant"}, 422, "merchant_required"),
        (
            {"username": "mer2", "password": pw, "role": "merchant", "merchant_id": "01NOPE"},
            404,
            "merchant_not_found",
        ),
        (
            {"username": "adm1", "password": pw, "role": "admin", "merchant_id": "01NOPE"},
            422,
            "merchant_not_allowed",
        ),
        ({"username": "roy1", "password": pw, "role": "king"}, 400, "validation_failed"),
    ]
    for body, status, code in cases:
        assert_problem(await client.post("/v1/admin/staff", json=body, headers=h), status, code)
    ok = {"username": "dup-name", "password": "long-enough-1", "role": "auditor"}
    assert (await client.post("/v1/admin/staff", json=ok, headers=h)).status_code == 201
    assert_problem(await client.post("/v1/admin/staff", json=ok, headers=h), 409, "username_taken")


async def test_merchants_admin(client, db) -> None:
    ops = await staff_login(client, db, Role.OPERATIONS)
    h = bearer(ops["access_token"])
    r = await client.post("/v1/admin/merchants", json={"name": "  绿色书店  "}, headers=h)
    assert r.status_code == 201
    assert r.json()["name"] == "绿色书店"
    r = await client.get("/v1/admin/merchants", headers=h)
    assert [m["name"] for m in r.json()["items"]] == ["绿色书店"]


async def test_list_pagination_with_cursor(client, db) -> None:
    admin = await staff_login(client, db, Role.ADMIN)
    h = bearer(admin["access_token"])
    for i in range(5):
        await client.post("/v1/admin/merchants", json={"name": f"m{i}"}, headers=h)
    seen, cursor = [], None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = (await client.get("/v1/admin/merchants", params=params, headers=h)).json()
        seen += [m["name"] for m in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == [f"m{i}" for i in range(5)]
    assert len(seen) == 5
