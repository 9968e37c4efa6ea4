"""The WeChat code2Session adapter: implements domain.identity.wechat.WeChatLogin over HTTP.

Secrets handling: the appsecret and the login code travel only in the request query. They are never
logged by this module, and httpx's own INFO request log gets them redacted (see _RedactQuery). The
session_key WeChat returns is not even decoded: _Answer has no field for it.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Final

import httpx
import msgspec

from domain.identity.wechat import (
    InvalidLoginCode,
    LoginRateLimited,
    LoginUnavailable,
    WeChatIdentity,
)

log = logging.getLogger(__name__)

_PATH: Final = "/sns/jscode2session"
_SENSITIVE_PARAMS: Final = ("secret", "js_code")

# errcodes that mean "this code will never work": the user has to wx.login() again.
_INVALID_CODE: Final = frozenset({40029, 40163, 40226})
_RATE_LIMITED: Final = 45011
_SYSTEM_BUSY: Final = -1


class _Answer(msgspec.Struct):
    """The parts of a code2Session answer we use (unknown fields, session_key included, ignored)."""

    openid: str | None = None
    unionid: str | None = None
    errcode: int = 0
    errmsg: str = ""


_decoder: Final = msgspec.json.Decoder(_Answer)


class _Transient(Exception):
    """A failure worth retrying; `reason` is safe to log (no code, no secret)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _RedactQuery(logging.Filter):
    """Masks secret/js_code in the URLs httpx logs ('HTTP Request: GET <url> ...')."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and any(isinstance(a, httpx.URL) for a in record.args):
            record.args = tuple(_redact(a) if isinstance(a, httpx.URL) else a for a in record.args)
        return True


def _redact(url: httpx.URL) -> httpx.URL:
    for name in _SENSITIVE_PARAMS:
        if name in url.params:
            url = url.copy_set_param(name, "***")
    return url


def _install_redaction() -> None:
    httpx_log = logging.getLogger("httpx")
    if not any(isinstance(f, _RedactQuery) for f in httpx_log.filters):
        httpx_log.addFilter(_RedactQuery())


class WeChatClient:
    """WeChatLogin backed by WeChat's auth.code2Session endpoint."""

    def __init__(
        self,
        *,
        appid: str,
        secret: str,
        base_url: str = "https://api.weixin.qq.com",
        timeout: float = 5.0,
        retries: int = 2,
        backoff: float = 0.2,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if retries < 0:
            raise ValueError("retries must be >= 0")
        self._appid = appid
        self._secret = secret
        self._retries = retries
        self._backoff = backoff
        _install_redaction()
        self._http = httpx.AsyncClient(
            base_url=base_url, timeout=httpx.Timeout(timeout), transport=transport
        )

    def __repr__(self) -> str:
        return f"WeChatClient(appid={self._appid!r}, base_url={str(self._http.base_url)!r})"

    async def __aenter__(self) -> WeChatClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def code_to_session(self, code: str) -> WeChatIdentity:
        attempts = self._retries + 1
        for attempt in range(1, attempts + 1):
            try:
                return await self._exchange(code)
            except _Transient as exc:
                log.warning(
                    "wechat code2Session attempt %d/%d failed: %s", attempt, attempts, exc.reason
                )
                if attempt == attempts:
                    raise LoginUnavailable(
                        f"WeChat login failed after {attempts} attempts: {exc.reason}"
                    ) from None
                if self._backoff > 0:
                    await asyncio.sleep(self._backoff * attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _exchange(self, code: str) -> WeChatIdentity:
        """One call: returns the identity, raises a domain error, or _Transient to retry."""
        params: dict[str, Any] = {
            "appid": self._appid,
            "secret": self._secret,
            "js_code": code,
            "grant_type": "authorization_code",
        }
        try:
            response = await self._http.get(_PATH, params=params)
        except httpx.HTTPError as exc:  # network errors and timeouts; str(exc) may hold the URL
            raise _Transient(type(exc).__name__) from None
        if response.status_code != 200:
            raise _Transient(f"HTTP {response.status_code}")
        try:  # WeChat sometimes says text/plain: ignore the content-type
            answer = _decoder.decode(response.content)
        except msgspec.DecodeError:
            raise _Transient("unparseable answer") from None

        if answer.errcode == 0:
            if not answer.openid:
                raise _Transient("answer without openid")
            return WeChatIdentity(openid=answer.openid, unionid=answer.unionid or None)
        if answer.errcode in _INVALID_CODE:
            raise InvalidLoginCode(errcode=answer.errcode)
        if answer.errcode == _RATE_LIMITED:
            log.warning("wechat code2Session rate-limited (errcode 45011)")
            raise LoginRateLimited(errcode=answer.errcode)
        if answer.errcode == _SYSTEM_BUSY:
            raise _Transient("errcode -1 (system busy)")
        # Anything else (40013 bad appid, 40125 bad secret, ...) is our problem, not the user's.
        log.error("wechat code2Session errcode %d: %s", answer.errcode, answer.errmsg)
        raise LoginUnavailable(f"WeChat answered errcode {answer.errcode}", errcode=answer.errcode)
