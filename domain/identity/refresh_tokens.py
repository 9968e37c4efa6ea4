"""Rotating refresh tokens grouped in families; reuse of a spent token revokes the family."""

from __future__ import annotations

import secrets
from datetime import datetime

from domain.crypto import sha256_hex
from domain.errors import Unauthenticated
from domain.identity.revocation import end_session
from domain.ids import new_id
from domain.persistence.tables import RefreshFamily, RefreshToken
from domain.persistence.uow import UnitOfWork


class InvalidRefreshToken(Unauthenticated):
    """The refresh token is unknown, expired or revoked."""

    code = "invalid_refresh_token"


class RefreshTokenReused(Unauthenticated):
    """A spent refresh token was presented again: the whole family is now revoked."""

    code = "refresh_token_reused"

    def __init__(self, family_id: str) -> None:
        super().__init__()
        self.family_id = family_id


async def start_family(
    uow: UnitOfWork, subject_type: str, subject_id: str, now: datetime
) -> RefreshFamily:
    family = RefreshFamily(
        id=new_id(), subject_type=subject_type, subject_id=subject_id, created_at=now
    )
    uow.tokens.add(family)
    return family


def mint(uow: UnitOfWork, family_id: str, now: datetime, expires_at: datetime) -> str:
    token = secrets.token_urlsafe(32)
    uow.tokens.add(
        RefreshToken(
            token_hash=sha256_hex(token),
            family_id=family_id,
            issued_at=now,
            expires_at=expires_at,
        )
    )
    return token


async def spend(uow: UnitOfWork, presented: str, now: datetime) -> RefreshFamily:
    """Spend a refresh token once and return its (live) family."""
    token_hash = sha256_hex(presented)
    token = await uow.tokens.token(token_hash)
    if token is None:
        raise InvalidRefreshToken()
    family = await uow.tokens.family(token.family_id)
    if family is None or family.revoked_at is not None:
        raise InvalidRefreshToken("this login has been revoked")
    if token.expires_at <= now:
        raise InvalidRefreshToken("the refresh token has expired", code="refresh_token_expired")
    if not await uow.tokens.spend(token_hash, now):
        await end_session(uow, family.id, now, "reuse_detected")
        await uow.commit_stage()  # the revocation stands although the request fails
        raise RefreshTokenReused(family_id=family.id)
    return family


async def family_of(uow: UnitOfWork, presented: str) -> RefreshFamily | None:
    token = await uow.tokens.token(sha256_hex(presented))
    return None if token is None else await uow.tokens.family(token.family_id)
