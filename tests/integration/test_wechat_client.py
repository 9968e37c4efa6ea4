"""WeChatClient against FakeWeChatServer over real HTTP, plus httpx.MockTransport edge cases."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Iterator

import httpx
import msgspec
import pytest

from domain.identity.wechat import (
    InvalidLoginCode,
    LoginRateLimited,
    LoginUnavailable,
    WeChatIdentity,
    WeChatLogin,
)
from integrations.wechat import WeChatClient
from integrations.wechat.fake import FakeWeChatServer

APPID = "wx-test"
SECRET = "s3cret-do-not-log"


@pytest.fixture
def fake() -> Iterator[FakeWeChatServer]:
    with FakeWeChatServer(appid=APPID, secret=SECRET) as server:
        yield server


@pytest.fixture
async def client(fake: FakeWeChatServer) -> AsyncIterator[WeChatClient]:
    async with WeChatClient(
        appid=APPID, secret=SECRET, base_url=fake.base_url, backoff=0, timeout=2.0
    ) as c:
        yield c


def _mock_client(
    handler: Callable[[httpx.Request], httpx.Response], *, retries: int = 2
) -> WeChatClient:
    return WeChatClient(
        appid=APPID,
        secret=SECRET,
        base_url="https://wechat.invalid",
        retries=retries,
        backoff=0,
        transport=httpx.MockTransport(handler),
    )


async def test_success_returns_identity_and_no_session_key(
    fake: FakeWeChatServer, client: WeChatClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="httpx")  # the app's logging setup quiets httpx
    code = fake.issue_code("o-123", unionid="u-456")
    port: WeChatLogin = client  # the adapter satisfies the domain port

    identity = await port.code_to_session(code)

    assert identity == WeChatIdentity(openid="o-123", unionid="u-456")
    assert msgspec.to_builtins(identity) == {"openid": "o-123", "unionid": "u-456"}
    assert not hasattr(identity, "session_key")
    [session_key] = fake.session_keys
    assert session_key not in repr(identity)
    assert session_key not in repr(vars(client))
    # Neither the secret, the code nor the session_key reach the logs (httpx's included).
    assert "HTTP Request" in caplog.text  # httpx did log the request...
    for sensitive in (SECRET, code, session_key):
        assert sensitive not in caplog.text  # ...but redacted
    assert fake.requests == [
        {
            "appid": APPID,
            "secret": SECRET,
            "js_code": code,
            "grant_type": "authorization_code",
        }
    ]


async def test_success_without_unionid(fake: FakeWeChatServer, client: WeChatClient) -> None:
    identity = await client.code_to_session(fake.issue_code("o-1"))
    assert identity == WeChatIdentity(openid="o-1", unionid=None)


async def test_reused_code_is_invalid(fake: FakeWeChatServer, client: WeChatClient) -> None:
    code = fake.issue_code("o-1")
    await client.code_to_session(code)

    with pytest.raises(InvalidLoginCode) as info:
        await client.code_to_session(code)

    assert info.value.extra["errcode"] == 40163
    assert len(fake.requests) == 2  # not retried


async def test_unknown_code_is_invalid(fake: FakeWeChatServer, client: WeChatClient) -> None:
    with pytest.raises(InvalidLoginCode) as info:
        await client.code_to_session("never-issued")

    assert info.value.extra["errcode"] == 40029
    assert len(fake.requests) == 1


async def test_high_risk_user_is_invalid(fake: FakeWeChatServer, client: WeChatClient) -> None:
    fake.fail_next(40226)
    with pytest.raises(InvalidLoginCode):
        await client.code_to_session(fake.issue_code("o-1"))
    assert len(fake.requests) == 1


async def test_rate_limit_is_not_retried(fake: FakeWeChatServer, client: WeChatClient) -> None:
    fake.fail_next(45011)

    with pytest.raises(LoginRateLimited):
        await client.code_to_session(fake.issue_code("o-1"))

    assert len(fake.requests) == 1


async def test_system_busy_once_then_success(fake: FakeWeChatServer, client: WeChatClient) -> None:
    code = fake.issue_code("o-1", unionid="u-1")
    fake.fail_next(-1)

    identity = await client.code_to_session(code)

    assert identity == WeChatIdentity(openid="o-1", unionid="u-1")
    assert len(fake.requests) == 2
    assert fake.requests[0]["js_code"] == fake.requests[1]["js_code"] == code


async def test_system_busy_exhausts_retries(fake: FakeWeChatServer, client: WeChatClient) -> None:
    code = fake.issue_code("o-1")
    fake.fail_next(-1, times=3)

    with pytest.raises(LoginUnavailable):
        await client.code_to_session(code)

    assert len(fake.requests) == 3  # 1 + retries=2
    # The code was never consumed: after WeChat recovers it still works.
    assert (await client.code_to_session(code)).openid == "o-1"


async def test_wrong_secret_is_our_misconfiguration(fake: FakeWeChatServer) -> None:
    async with WeChatClient(
        appid=APPID, secret="wrong", base_url=fake.base_url, backoff=0
    ) as client:
        with pytest.raises(LoginUnavailable) as info:
            await client.code_to_session(fake.issue_code("o-1"))

    assert not isinstance(info.value, InvalidLoginCode)
    assert "40125" in info.value.detail
    assert info.value.extra["errcode"] == 40125
    assert len(fake.requests) == 1


async def test_wrong_appid_is_our_misconfiguration(fake: FakeWeChatServer) -> None:
    async with WeChatClient(
        appid="wx-other", secret=SECRET, base_url=fake.base_url, backoff=0
    ) as client:
        with pytest.raises(LoginUnavailable) as info:
            await client.code_to_session(fake.issue_code("o-1"))

    assert info.value.extra["errcode"] == 40013


async def test_server_not_listening(caplog: pytest.LogCaptureFixture) -> None:
    with FakeWeChatServer(appid=APPID, secret=SECRET) as gone:
        base_url = gone.base_url  # the port is closed once the block exits

    async with WeChatClient(appid=APPID, secret=SECRET, base_url=base_url, backoff=0) as client:
        with pytest.raises(LoginUnavailable) as info:
            await client.code_to_session("some-code")

    assert "3 attempts" in info.value.detail
    assert "ConnectError" in info.value.detail
    assert info.value.__cause__ is None  # the httpx error (holding the URL) is not chained
    assert SECRET not in caplog.text


async def test_text_plain_and_json_content_types_both_parse() -> None:
    with FakeWeChatServer(appid=APPID, secret=SECRET, content_type="application/json") as fake:
        async with WeChatClient(
            appid=APPID, secret=SECRET, base_url=fake.base_url, backoff=0
        ) as client:
            assert (await client.code_to_session(fake.issue_code("o-json"))).openid == "o-json"


# -- edge cases the fake does not produce -----------------------------------------------------


async def test_non_200_is_retried_then_succeeds() -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) == 1:
            return httpx.Response(502, text="<html>bad gateway</html>")
        return httpx.Response(200, text='{"openid": "o-1", "session_key": "k"}')

    async with _mock_client(handler) as client:
        assert await client.code_to_session("c") == WeChatIdentity(openid="o-1")
    assert len(calls) == 2


@pytest.mark.parametrize(
    "body",
    [b"not json", b'{"session_key": "k"}', b'{"openid": "", "session_key": "k"}', b"[]"],
    ids=["garbage", "no-openid", "empty-openid", "not-an-object"],
)
async def test_unusable_answers_are_retried_then_unavailable(body: bytes) -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(200, content=body)

    async with _mock_client(handler, retries=1) as client:
        with pytest.raises(LoginUnavailable):
            await client.code_to_session("c")
    assert len(calls) == 2


async def test_timeout_is_retried_then_unavailable() -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise httpx.ReadTimeout("timed out", request=request)

    async with _mock_client(handler, retries=0) as client:
        with pytest.raises(LoginUnavailable) as info:
            await client.code_to_session("c")
    assert "ReadTimeout" in info.value.detail
    assert len(calls) == 1


async def test_unknown_errcode_is_unavailable_with_errcode() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"errcode": 40999, "errmsg": "something new"})

    async with _mock_client(handler) as client:
        with pytest.raises(LoginUnavailable) as info:
            await client.code_to_session("c")
    assert "40999" in info.value.detail
    assert info.value.extra["errcode"] == 40999
