"""POST /v1/auth/*: citizen sign-in (WeChat, dev), refresh, logout (staff sign-in: staff.py).

Citizen sign-ins are limited per WeChat code and per openid (api/login_limits.py) as well as
per address (api/auth/__init__.py)."""

from __future__ import annotations

from datetime import datetime

from litestar import Controller, post
from litestar.exceptions import NotFoundException
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT

from api.auth.schemas import DevLogin, RefreshRequest, TokenPairOut, WeChatLogin
from api.services import Services
from domain.errors import UpstreamUnavailable
from domain.identity.sessions import TokenPair
from domain.persistence.uow import UnitOfWork


def token_pair_out(pair: TokenPair) -> TokenPairOut:
    p = pair.principal
    return TokenPairOut(
        access_token=pair.access_token,
        refresh_token=pair.refresh_token,
        expires_in=pair.expires_in,
        token_type="Bearer",
        citizen_id=p.id if p.kind == "citizen" else None,
        staff_id=p.id if p.kind == "staff" else None,
        role=p.role.value if p.role else None,
        merchant_id=p.merchant_id,
        org_id=p.org_id,
    )


class AuthController(Controller):
    path = "/v1/auth"
    tags = ["auth"]

    @post("/wechat", status_code=HTTP_200_OK, summary="Citizen sign-in with a wx.login() code")
    async def wechat(
        self, data: WeChatLogin, services: Services, uow: UnitOfWork, now: datetime
    ) -> TokenPairOut:
        if services.wechat is None:
            raise UpstreamUnavailable(
                "WeChat login is not configured", code="wechat_not_configured"
            )
        await services.login_limits.hit("code", data.code)
        identity = await services.wechat.code_to_session(data.code)
        await services.login_limits.hit("openid", identity.openid)
        return token_pair_out(
            await services.sessions.citizen_sign_in(uow, identity.openid, identity.unionid, now)
        )

    @post("/dev", status_code=HTTP_200_OK, summary="Citizen sign-in by openid (dev login only)")
    async def dev(
        self, data: DevLogin, services: Services, uow: UnitOfWork, now: datetime
    ) -> TokenPairOut:
        if not services.settings.dev_login:
            raise NotFoundException()
        await services.login_limits.hit("openid", data.openid)
        return token_pair_out(await services.sessions.citizen_sign_in(uow, data.openid, None, now))

    @post("/refresh", status_code=HTTP_200_OK, summary="Rotate a refresh token")
    async def refresh(
        self, data: RefreshRequest, services: Services, uow: UnitOfWork, now: datetime
    ) -> TokenPairOut:
        # a reused refresh token ends its session (committed as a stage) and answers 401
        return token_pair_out(await services.sessions.refresh(uow, data.refresh_token, now))

    @post("/logout", status_code=HTTP_204_NO_CONTENT, summary="Revoke a refresh token's family")
    async def logout(
        self, data: RefreshRequest, services: Services, uow: UnitOfWork, now: datetime
    ) -> None:
        await services.sessions.logout(uow, data.refresh_token, now)
