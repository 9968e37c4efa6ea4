"""Bearer-token guards: who is calling, and may they call this endpoint."""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from api.services import Services
from domain.errors import Forbidden
from domain.identity.access_tokens import InvalidAccessToken
from domain.identity.principal import Principal, Role

REVOKED_STORE = "revoked-families"


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
    if await services.store(REVOKED_STORE).exists(principal.family_id):
        raise InvalidAccessToken("this login has been revoked", code="token_revoked")
    connection.state.principal = principal
    return principal


async def mark_family_revoked(services: Services, family_id: str) -> None:
    """Access tokens of a revoked family stop working now, not when they expire."""
    ttl = int(services.access.settings.access_ttl.total_seconds()) + 60
    await services.store(REVOKED_STORE).set(family_id, b"1", expires_in=ttl)


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
