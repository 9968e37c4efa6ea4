"""The port for WeChat mini-program login (code2Session).

The adapter lives in integrations/wechat; tests use a local server speaking the same protocol.
The session_key WeChat returns never leaves the adapter: the domain only sees the openid.
"""

from __future__ import annotations

from typing import Protocol

import msgspec

from domain.errors import Unauthenticated, UpstreamRateLimited, UpstreamUnavailable


class WeChatIdentity(msgspec.Struct, frozen=True):
    openid: str
    unionid: str | None = None


class WeChatLogin(Protocol):
    async def code_to_session(self, code: str) -> WeChatIdentity:
        """Exchange a wx.login() code for the user's identity.

        Raises InvalidLoginCode (errcode 40029, 40163 used code), LoginRateLimited (45011),
        LoginUnavailable (-1 after retries, network errors, unexpected answers).
        """
        ...


class InvalidLoginCode(Unauthenticated):
    """The WeChat login code is invalid, expired or already used."""

    code = "invalid_login_code"


class LoginRateLimited(UpstreamRateLimited):
    """WeChat rate-limited the login; retry later."""

    code = "wechat_rate_limited"


class LoginUnavailable(UpstreamUnavailable):
    """WeChat login is unavailable right now; retry later."""

    code = "wechat_unavailable"
