"""Access tokens: short-lived HS256 JWTs (pure; PyJWT does the signing)."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import jwt
import msgspec

from domain.errors import Unauthenticated
from domain.identity.principal import Principal, Role
from domain.ids import new_id

ALGORITHM = "HS256"


class TokenSettings(msgspec.Struct, frozen=True):
    secret: str
    issuer: str = "puhui"
    audience: str = "puhui-api"
    access_ttl: timedelta = timedelta(minutes=15)
    refresh_ttl: timedelta = timedelta(days=30)


class InvalidAccessToken(Unauthenticated):
    """The access token is missing, malformed, expired, or not ours."""

    code = "invalid_token"


VERIFIED_CACHE = 10_000


class AccessTokens:
    def __init__(self, settings: TokenSettings) -> None:
        self.settings = settings
        # token -> (principal, exp): a client sends the same token with every request, and
        # checking an HS256 signature costs more than the rest of authentication. Only tokens
        # that verified are kept, and never past their own expiry; revocation is checked by the
        # caller on every request regardless.
        self._verified: dict[str, tuple[Principal, float]] = {}

    def issue(self, principal: Principal, now: datetime) -> str:
        claims: dict[str, object] = {
            "iss": self.settings.issuer,
            "aud": self.settings.audience,
            "sub": principal.id,
            "typ": principal.kind,
            "fam": principal.family_id,
            "iat": int(now.timestamp()),
            "exp": int((now + self.settings.access_ttl).timestamp()),
            "jti": new_id(),
        }
        if principal.role is not None:
            claims["role"] = principal.role.value
        if principal.merchant_id is not None:
            claims["merchant_id"] = principal.merchant_id
        if principal.store_id is not None:
            claims["store_id"] = principal.store_id
        if principal.org_id is not None:
            claims["org_id"] = principal.org_id
        return jwt.encode(claims, self.settings.secret, algorithm=ALGORITHM)

    def verify(self, token: str, now: float | None = None) -> Principal:
        hit = self._verified.get(token)
        if hit is not None and (now if now is not None else time.time()) < hit[1]:
            return hit[0]
        principal, exp = self._verify(token)
        if len(self._verified) >= VERIFIED_CACHE:
            self._verified.clear()
        self._verified[token] = (principal, exp)
        return principal

    def _verify(self, token: str) -> tuple[Principal, float]:
        try:
            claims = jwt.decode(
                token,
                self.settings.secret,
                algorithms=[ALGORITHM],
                audience=self.settings.audience,
                issuer=self.settings.issuer,
                options={"require": ["exp", "iat", "sub", "aud", "iss"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise InvalidAccessToken("the access token has expired", code="token_expired") from exc
        except jwt.PyJWTError as exc:
            raise InvalidAccessToken("the access token is not valid") from exc
        kind = claims.get("typ")
        if kind not in ("citizen", "staff") or not isinstance(claims.get("fam"), str):
            raise InvalidAccessToken("the access token is not valid")
        role = claims.get("role")
        try:
            parsed_role = Role(role) if role is not None else None
        except ValueError as exc:
            raise InvalidAccessToken("the access token is not valid") from exc
        if kind == "staff" and parsed_role is None:
            raise InvalidAccessToken("the access token is not valid")
        principal = Principal(
            kind=kind,
            id=claims["sub"],
            family_id=claims["fam"],
            role=parsed_role,
            merchant_id=claims.get("merchant_id"),
            store_id=claims.get("store_id"),
            org_id=claims.get("org_id"),
        )
        return principal, float(claims["exp"])
