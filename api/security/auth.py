"""Bearer-token guards: who is calling, and may they call this endpoint."""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from api.services import Services
from domain.errors import Forbidden
from domain.identity.access_tokens import InvalidAccessToken
from domain.identity.principal import Principal, Role


def services_of(connection: ASGIConnection) -> Services:
    return connection.app.state.services


def _token(connection: ASGIConnection) -> str | None:
    header = connection.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    if connection.scope["type"] == "websocket":
        return connection.query_params.get("access_token")
    return None


async def authenticate(connection: ASGIConnection) -> Principal:
    token = _token(connection)
    if token is None:
        raise InvalidAccessToken("send Authorization: Bearer <access token>", code="missing_token")
    services = services_of(connection)
    principal = services.access.verify(token)
    # logged out, disabled, erased: the database says (cached by this process for seconds)
    await services.live_sessions.check(principal)
    connection.state.principal = principal
    return principal


async def citizen_guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    principal = await authenticate(connection)
    if principal.kind != "citizen":
        raise Forbidden("this endpoint is for citizens", code="citizens_only")


def staff_guard(*roles: Role):
    allowed = frozenset(roles)

    async def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        principal = await authenticate(connection)
        if principal.kind != "staff" or principal.role not in allowed:
            raise Forbidden(
                f"this endpoint needs one of the roles: {', '.join(sorted(allowed))}",
                code="role_required",
            )

    return guard
