"""Ending sessions, and asking whether one still stands. The database is the truth.

A session is a refresh-token family; every access token names its family. A session stands while
its family is not revoked and its account is active (a staff account enabled, a citizen not
erased). Logout, a reused refresh token, disabling a staff account and erasing a citizen revoke
families in the database, in the transaction that does the rest, and emit a `sessions` event:
once that transaction commits, a serving process drops what it remembered about those sessions,
so their access tokens are refused on the next request (api/security/sessions.py).
"""

from __future__ import annotations

from datetime import datetime

from domain.identity.principal import Principal
from domain.persistence.uow import UnitOfWork

SESSIONS_CHANNEL = "identity:sessions"  # events for the serving process itself, never a client
ENDED = "sessions.ended"


async def end_session(uow: UnitOfWork, family_id: str, now: datetime, reason: str) -> None:
    """End one session (logout, a reused refresh token)."""
    await uow.tokens.revoke_family(family_id, now, reason)
    uow.emit(SESSIONS_CHANNEL, ENDED, {"family_id": family_id})


async def end_sessions_of(
    uow: UnitOfWork, subject_type: str, subject_id: str, now: datetime
) -> None:
    """End every session of a staff account or a citizen (disabled, removed, erased)."""
    await uow.tokens.revoke_subject(subject_type, subject_id, now)
    uow.emit(SESSIONS_CHANNEL, ENDED, {"subject_id": subject_id})


async def stands(uow: UnitOfWork, principal: Principal) -> bool:
    """Whether the session an access token names still stands, for the subject it names."""
    return await uow.tokens.live_subject(principal.family_id) == (principal.kind, principal.id)
