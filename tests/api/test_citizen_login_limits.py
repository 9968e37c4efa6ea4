"""Citizen sign-ins are limited per WeChat code and per openid, whatever the address."""

from __future__ import annotations

import msgspec
from litestar.testing import AsyncTestClient

from api.app import create_app
from domain.identity.wechat import WeChatIdentity
from tests.helpers import assert_problem, from_peer, xff


class StubWeChat:
    """code2Session answered locally: `openid-of-<x>` for any code `<x>[-n]`."""

    def __init__(self) -> None:
        self.codes: list[str] = []

    async def code_to_session(self, code: str) -> WeChatIdentity:
        self.codes.append(code)
        return WeChatIdentity(openid=f"openid-of-{code.split('-')[0]}")


def _app(settings, wechat=None, **changes):
    changes = {"citizen_login_key_rate_limit_per_minute": 2, **changes}
    app = create_app(msgspec.structs.replace(settings, **changes), wechat=wechat)
    return from_peer(app, "127.0.0.1")


async def test_dev_sign_in_is_limited_per_openid_from_any_address(settings) -> None:
    app = _app(settings, trusted_proxies=("127.0.0.1",))
    async with AsyncTestClient(app=app) as client:
        for i in range(2):
            r = await client.post(
                "/v1/auth/dev", json={"openid": "busy"}, headers=xff(f"203.0.113.{i}")
            )
            assert r.status_code == 200, r.text
        r = await client.post("/v1/auth/dev", json={"openid": "busy"}, headers=xff("198.51.100.9"))
        body = assert_problem(r, 429, "too_many_sign_ins")
        assert 1 <= int(r.headers["retry-after"]) <= 60
        assert body["retry_after"] == int(r.headers["retry-after"])
        assert "busy" not in r.text
        # another openid from the same address is not held back
        assert (await client.post("/v1/auth/dev", json={"openid": "calm"})).status_code == 200


async def test_wechat_sign_in_is_limited_per_code_before_asking_wechat(settings) -> None:
    wechat = StubWeChat()
    async with AsyncTestClient(app=_app(settings, wechat)) as client:
        for _ in range(2):
            r = await client.post("/v1/auth/wechat", json={"code": "same"})
            assert r.status_code == 200, r.text
        r = await client.post("/v1/auth/wechat", json={"code": "same"})
        assert_problem(r, 429, "too_many_sign_ins")
        assert wechat.codes == ["same", "same"]  # the third never reached WeChat


async def test_wechat_sign_in_is_limited_per_openid_across_codes(settings) -> None:
    wechat = StubWeChat()
    async with AsyncTestClient(app=_app(settings, wechat)) as client:
        for n in range(2):
            r = await client.post("/v1/auth/wechat", json={"code": f"alice-{n}"})
            assert r.status_code == 200, r.text
        r = await client.post("/v1/auth/wechat", json={"code": "alice-2"})
        body = assert_problem(r, 429, "too_many_sign_ins")
        assert "openid" in body["detail"]
        r = await client.post("/v1/auth/wechat", json={"code": "bob-0"})
        assert r.status_code == 200, r.text
