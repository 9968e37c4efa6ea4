"""Service endpoints, docs, and the error contract (problem+json everywhere, request ids)."""

from __future__ import annotations

import re

from litestar.testing import AsyncTestClient

from tests.helpers import assert_problem, bearer, citizen_login


async def test_health_needs_nothing(client: AsyncTestClient) -> None:
    r = await client.get("/health")
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}


async def test_ready_checks_the_database(client: AsyncTestClient, settings) -> None:
    r = await client.get("/ready")
    assert r.status_code == 200
    checks = r.json()["checks"]
    assert checks["database"] == "ok"
    assert ("redis" in checks) == (settings.redis_url is not None)


async def test_metrics_are_prometheus_text(client: AsyncTestClient) -> None:
    await client.get("/health")
    r = await client.get("/metrics")
    assert r.status_code == 200
    assert "puhui_requests_total" in r.text


async def test_openapi_lists_every_endpoint(client: AsyncTestClient, app) -> None:
    r = await client.get("/schema/openapi.json")
    assert r.status_code == 200
    doc = r.json()
    assert doc["openapi"].startswith("3.1")
    documented = set(doc["paths"])
    wanted = {
        "/health",
        "/ready",
        "/v1/auth/wechat",
        "/v1/auth/dev",
        "/v1/auth/refresh",
        "/v1/auth/staff",
        "/v1/auth/logout",
        "/v1/me",
        "/v1/me/consent",
        "/v1/me/export",
        "/v1/operators/{operator_id}/ping",
        "/v1/admin/operators",
        "/v1/admin/operators/{operator_id}/keys",
        "/v1/admin/staff",
        "/v1/admin/audit",
        "/v1/admin/merchants",
    }
    assert wanted <= documented, wanted - documented
    # every API route the app serves (other than docs and metrics) is in the document;
    # OpenAPI has no place for the WebSocket (/v1/me/stream), which the README documents, and
    # the pages (/, /merchant, /admin, /org, a retirement's public page, /static) are not API
    from litestar.routes import HTTPRoute

    pages = {
        "/",
        "/merchant",
        "/admin",
        "/org",
        "/disclosure",
        "/registry/retirements/{retirement_id:str}",
    }
    served = {
        re.sub(r":\w+}", "}", r.path)  # {id:str} and {n:int} are {id} and {n} there
        for r in app.routes
        if isinstance(r, HTTPRoute)
        and not r.path.startswith(("/schema", "/static"))
        and r.path not in pages | {"/metrics"}
    }
    assert served <= documented, served - documented


async def test_interactive_docs_page(client: AsyncTestClient) -> None:
    r = await client.get("/schema")
    assert r.status_code == 200
    assert "text/html" in r.headers["content-type"]


async def test_unknown_path_is_problem_json_with_request_id(client: AsyncTestClient) -> None:
    r = await client.get("/v1/nope")
    body = assert_problem(r, 404, "not_found")
    assert r.headers["x-request-id"] == body["request_id"]


async def test_wrong_method_is_405_problem(client: AsyncTestClient) -> None:
    assert_problem(await client.delete("/health"), 405, "method_not_allowed")


async def test_request_id_is_echoed_when_sane_and_replaced_when_not(
    client: AsyncTestClient,
) -> None:
    r = await client.get("/health", headers={"X-Request-ID": "trace-123"})
    assert r.headers["x-request-id"] == "trace-123"
    r = await client.get("/health", headers={"X-Request-ID": "bad id\nwith newline" * 10})
    assert r.headers["x-request-id"] != "bad id"
    assert len(r.headers["x-request-id"]) == 26


async def test_validation_errors_name_the_fields(client: AsyncTestClient) -> None:
    r = await client.post("/v1/auth/dev", json={"openid": ""})
    body = assert_problem(r, 400, "validation_failed")
    assert body["errors"][0]["field"] == "openid"


async def test_malformed_json_is_400(client: AsyncTestClient) -> None:
    r = await client.post(
        "/v1/auth/dev", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert_problem(r, 400)


async def test_unknown_fields_are_rejected(client: AsyncTestClient) -> None:
    r = await client.post("/v1/auth/dev", json={"openid": "x", "admin": True})
    assert_problem(r, 400, "validation_failed")


async def test_wrong_types_in_query_are_400(client: AsyncTestClient, db) -> None:
    from domain.identity.principal import Role
    from tests.helpers import staff_login

    admin = await staff_login(client, db, Role.ADMIN)
    r = await client.get("/v1/admin/operators?limit=abc", headers=bearer(admin["access_token"]))
    assert_problem(r, 400, "validation_failed")
    r = await client.get("/v1/admin/operators?limit=1000", headers=bearer(admin["access_token"]))
    assert_problem(r, 400, "validation_failed")


async def test_every_log_line_carries_the_request_id(client: AsyncTestClient, caplog) -> None:
    import logging

    caplog.set_level(logging.INFO, logger="puhui.access")
    tokens = await citizen_login(client)
    await client.get("/v1/me", headers={**bearer(tokens["access_token"]), "X-Request-ID": "rid-42"})
    from api.logging import JsonFormatter

    lines = [JsonFormatter().format(rec) for rec in caplog.records if "/v1/me" in rec.getMessage()]
    assert any('"request_id": "rid-42"' in line for line in lines), lines
