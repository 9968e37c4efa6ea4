"""Citizen sign-in (dev and WeChat), refresh rotation with reuse detection, logout, bad tokens."""

from __future__ import annotations

import time

import jwt
import msgspec
import pytest
from litestar.testing import AsyncTestClient

from api.app import create_app
from integrations.wechat import WeChatClient
from integrations.wechat.fake import FakeWeChatServer
from tests.helpers import assert_problem, bearer, citizen_login


async def test_dev_login_then_me(client: AsyncTestClient) -> None:
    tokens = await citizen_login(client, "openid-1")
    assert tokens["token_type"] == "Bearer"
    assert tokens["expires_in"] == 15 * 60
    r = await client.get("/v1/me", headers=bearer(tokens["access_token"]))
    assert r.status_code == 200
    me = r.json()
    assert me["citizen_id"] == tokens["citizen_id"]
    assert me["points"] == {"balance": 0, "expiring": [], "lots": []}
    assert me["reductions"] == {"total_g": 0, "today_g": 0}


async def test_same_openid_is_the_same_citizen(client: AsyncTestClient) -> None:
    a = await citizen_login(client, "same-openid")
    b = await citizen_login(client, "same-openid")
    c = await citizen_login(client, "other-openid")
    assert a["citizen_id"] == b["citizen_id"] != c["citizen_id"]


async def test_dev_login_is_404_when_disabled(settings) -> None:
    app = create_app(msgspec.structs.replace(settings, dev_login=False))
    async with AsyncTestClient(app=app) as client:
        assert_problem(await client.post("/v1/auth/dev", json={"openid": "x"}), 404)


@pytest.fixture
def fake_wechat():
    with FakeWeChatServer(appid="wx-app", secret="wx-secret") as fake:
        yield fake


@pytest.fixture
async def wechat_client(settings, fake_wechat):
    wechat = WeChatClient(
        appid="wx-app", secret="wx-secret", base_url=fake_wechat.base_url, backoff=0
    )
    async with AsyncTestClient(app=create_app(settings, wechat=wechat)) as client:
        yield client


async def test_wechat_login_through_code2session(wechat_client, fake_wechat) -> None:
    code = fake_wechat.issue_code("wx-openid-9")
    r = await wechat_client.post("/v1/auth/wechat", json={"code": code})
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"access_token", "refresh_token", "token_type", "expires_in", "citizen_id"}
    assert not any(k in r.text for k in fake_wechat.session_keys)  # session_key stays here
    # the same WeChat user, via dev login's openid path, is the same citizen
    again = await citizen_login(wechat_client, "wx-openid-9")
    assert again["citizen_id"] == body["citizen_id"]


async def test_wechat_invalid_code_is_401(wechat_client) -> None:
    r = await wechat_client.post("/v1/auth/wechat", json={"code": "never-issued"})
    assert_problem(r, 401, "invalid_login_code")


async def test_wechat_used_code_is_401(wechat_client, fake_wechat) -> None:
    code = fake_wechat.issue_code("o-used")
    assert (await wechat_client.post("/v1/auth/wechat", json={"code": code})).status_code == 200
    assert_problem(await wechat_client.post("/v1/auth/wechat", json={"code": code}), 401)


async def test_wechat_rate_limited_is_429(wechat_client, fake_wechat) -> None:
    fake_wechat.fail_next(45011)
    code = fake_wechat.issue_code("o-rl")
    r = await wechat_client.post("/v1/auth/wechat", json={"code": code})
    assert_problem(r, 429, "wechat_rate_limited")
    assert "retry-after" in r.headers


async def test_wechat_busy_is_retried_then_503(wechat_client, fake_wechat) -> None:
    code = fake_wechat.issue_code("o-busy")
    fake_wechat.fail_next(-1, times=1)
    assert (await wechat_client.post("/v1/auth/wechat", json={"code": code})).status_code == 200
    code = fake_wechat.issue_code("o-busy-2")
    fake_wechat.fail_next(-1, times=5)
    r = await wechat_client.post("/v1/auth/wechat", json={"code": code})
    assert_problem(r, 503, "wechat_unavailable")


async def test_wechat_not_configured_is_503(client: AsyncTestClient) -> None:
    assert_problem(await client.post("/v1/auth/wechat", json={"code": "c"}), 503)


async def test_refresh_rotates_and_reuse_revokes_the_family(client: AsyncTestClient) -> None:
    first = await citizen_login(client)
    r = await client.post("/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert r.status_code == 200
    second = r.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert second["citizen_id"] == first["citizen_id"]

    # the spent token comes back: that is theft or a bug, so the whole family dies
    reuse = await client.post("/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert_problem(reuse, 401, "refresh_token_reused")
    later = await client.post("/v1/auth/refresh", json={"refresh_token": second["refresh_token"]})
    assert_problem(later, 401, "invalid_refresh_token")
    # and the family's access tokens stop working too
    r = await client.get("/v1/me", headers=bearer(second["access_token"]))
    assert_problem(r, 401, "token_revoked")


async def test_unknown_refresh_token_is_401(client: AsyncTestClient) -> None:
    r = await client.post("/v1/auth/refresh", json={"refresh_token": "nope"})
    assert_problem(r, 401, "invalid_refresh_token")


async def test_logout_revokes_the_family(client: AsyncTestClient) -> None:
    tokens = await citizen_login(client)
    other = await citizen_login(client)
    r = await client.post("/v1/auth/logout", json={"refresh_token": tokens["refresh_token"]})
    assert r.status_code == 204
    assert_problem(
        await client.post("/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}),
        401,
    )
    assert_problem(await client.get("/v1/me", headers=bearer(tokens["access_token"])), 401)
    # other sessions are untouched
    assert (await client.get("/v1/me", headers=bearer(other["access_token"]))).status_code == 200


def _claims(sub: str, **over) -> dict:
    now = int(time.time())
    return {
        "iss": "puhui",
        "aud": "puhui-api",
        "sub": sub,
        "typ": "citizen",
        "fam": "f",
        "iat": now,
        "exp": now + 600,
        **over,
    }


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("alg none", lambda s, sub: jwt.encode(_claims(sub), None, algorithm="none")),
        ("wrong key", lambda s, sub: jwt.encode(_claims(sub), "x" * 40, algorithm="HS256")),
        (
            "wrong audience",
            lambda s, sub: jwt.encode(_claims(sub, aud="other"), s.jwt_secret, algorithm="HS256"),
        ),
        (
            "wrong issuer",
            lambda s, sub: jwt.encode(_claims(sub, iss="evil"), s.jwt_secret, algorithm="HS256"),
        ),
        (
            "expired",
            lambda s, sub: jwt.encode(
                _claims(sub, exp=int(time.time()) - 5), s.jwt_secret, algorithm="HS256"
            ),
        ),
        ("garbage", lambda s, sub: "not.a.jwt"),
    ],
)
async def test_bad_access_tokens_are_401(client, settings, name, make) -> None:
    tokens = await citizen_login(client)
    r = await client.get("/v1/me", headers=bearer(make(settings, tokens["citizen_id"])))
    assert_problem(r, 401)


async def test_no_token_is_401(client: AsyncTestClient) -> None:
    assert_problem(await client.get("/v1/me"), 401, "missing_token")
