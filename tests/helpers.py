"""Small helpers shared by the API tests: sign in, make staff, sign operator requests."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from litestar.testing import AsyncTestClient

from domain.clock import utcnow
from domain.crypto import DataProtector
from domain.governance.audit import CLI
from domain.identity import staff
from domain.identity.principal import Role
from domain.merchants.registration import create_merchant
from domain.operators import service as operators
from domain.operators.signing import sign
from domain.persistence.uow import Database

PASSWORD = "correct horse battery"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def citizen_login(client: AsyncTestClient, openid: str | None = None) -> dict[str, Any]:
    r = await client.post("/v1/auth/dev", json={"openid": openid or f"o-{uuid.uuid4().hex}"})
    assert r.status_code == 200, r.text
    return r.json()


async def make_staff(
    db: Database,
    username: str,
    role: Role,
    merchant_id: str | None = None,
    store_id: str | None = None,
) -> str:
    async with db.unit_of_work() as uow:
        account = await staff.create(
            uow,
            CLI,
            username=username,
            password=PASSWORD,
            role=role,
            merchant_id=merchant_id,
            store_id=store_id,
            now=utcnow(),
        )
        return account.id


async def make_merchant(db: Database, name: str = "Test Café") -> str:
    async with db.unit_of_work() as uow:
        return (await create_merchant(uow, CLI, name, utcnow())).id


async def staff_login(
    client: AsyncTestClient, db: Database, role: Role, merchant_id: str | None = None
) -> dict[str, Any]:
    username = f"{role.value}-{uuid.uuid4().hex[:8]}"
    await make_staff(db, username, role, merchant_id)
    r = await client.post("/v1/auth/staff", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return r.json()


async def make_operator(
    db: Database, protector: DataProtector, kind: str = "metro"
) -> tuple[str, str, str]:
    """(operator_id, key_id, secret)"""
    async with db.unit_of_work() as uow:
        op, key = await operators.create(
            uow,
            protector,
            CLI,
            name=f"op-{uuid.uuid4().hex[:6]}",
            kind=operators.OperatorKind(kind),
            now=utcnow(),
        )
        return op.id, key.key_id, key.secret


def signed_headers(
    method: str,
    path: str,
    key_id: str,
    secret: str,
    body: bytes = b"",
    *,
    timestamp: int | None = None,
    nonce: str | None = None,
) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    nonce = nonce or uuid.uuid4().hex
    return {
        "X-Puhui-Key": key_id,
        "X-Puhui-Timestamp": ts,
        "X-Puhui-Nonce": nonce,
        "X-Puhui-Signature": sign(secret, method, path, ts, nonce, body),
        "Content-Type": "application/json",
    }


def dumps(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


def assert_problem(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """The response is RFC 9457 problem+json with this status (and code); returns the body."""
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    body = response.json()
    assert body["status"] == status
    assert {"type", "title", "detail", "code"} <= body.keys(), body
    assert body["type"] == f"urn:puhui:problem:{body['code']}"
    if code is not None:
        assert body["code"] == code, body
    assert "Traceback" not in response.text
    return body


async def import_demo_network(db: Database, operator_id: str) -> None:
    from domain.network.demo import demo_file
    from domain.network.service import import_network

    async with db.unit_of_work() as uow:
        await import_network(
            uow,
            CLI,
            operator_id,
            stops_txt=demo_file("stops.txt"),
            route_stops_txt=demo_file("route_stops.txt"),
            now=utcnow(),
        )


async def signed_post(
    client: AsyncTestClient, path: str, key_id: str, secret: str, payload: Any
) -> Any:
    body = dumps(payload)
    return await client.post(
        path, content=body, headers=signed_headers("POST", path, key_id, secret, body)
    )


async def link_account(
    client: AsyncTestClient,
    citizen: dict[str, Any],
    operator: tuple[str, str, str],
    external_account: str,
) -> dict[str, Any]:
    """The citizen asks for a code, the operator confirms it with the account id."""
    op, key, secret = operator
    r = await client.post(
        "/v1/me/binding-codes", json={"operator_id": op}, headers=bearer(citizen["access_token"])
    )
    assert r.status_code == 201, r.text
    r = await signed_post(
        client,
        f"/v1/operators/{op}/bindings",
        key,
        secret,
        {"code": r.json()["code"], "external_account": external_account},
    )
    assert r.status_code == 200, r.text
    return r.json()


async def consent(
    client: AsyncTestClient, citizen: dict[str, Any], db: Database | None = None, days_ago: int = 8
) -> None:
    """Consent through the API; with `db`, backdate it so trips of the past days count."""
    r = await client.put(
        "/v1/me/consent", json={"version": "v1"}, headers=bearer(citizen["access_token"])
    )
    assert r.status_code == 200
    if db is not None:
        from datetime import timedelta

        async with db.unit_of_work() as uow:
            row = await uow.citizens.get(citizen["citizen_id"])
            row.consent_given_at = utcnow() - timedelta(days=days_ago)


def from_peer(app: Any, host: str) -> Any:
    """Requests reach `app` from this TCP peer (the test client has no address of its own)."""
    inner = app.asgi_handler

    async def handler(scope: Any, receive: Any, send: Any) -> None:
        scope["client"] = (host, 40_000)
        await inner(scope, receive, send)

    app.asgi_handler = handler
    return app


def xff(address: str) -> dict[str, str]:
    return {"X-Forwarded-For": address}
