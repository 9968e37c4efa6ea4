"""Replay protection of signed operator requests: each nonce is accepted once per key.

The database remembers every (key id, nonce) it accepted, written by INSERT ... ON CONFLICT DO
NOTHING in the request's own transaction, so a replay is refused whichever process serves it,
and after a Redis restart too. A request that fails and rolls back leaves its nonce unspent (it
changed nothing, so sending it again is no replay). A nonce is kept until its request's timestamp
has left the +-300 s window (plus a margin for clocks of other replicas); after that the window
alone refuses it, and the prune job deletes it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.operators.signing import WINDOW_SECONDS, BadSignature
from domain.persistence.uow import UnitOfWork

CLOCK_MARGIN = timedelta(seconds=60)
KEEP = timedelta(seconds=WINDOW_SECONDS) + CLOCK_MARGIN


def _visible_ascii(nonce: str) -> bool:
    return all("!" <= ch <= "~" for ch in nonce)


async def accept(uow: UnitOfWork, key_id: str, nonce: str, timestamp: int) -> None:
    """Spend `nonce` for `key_id`, or refuse the request as a replay. Call after the signature
    verified and the timestamp is inside the window (signing.check_freshness)."""
    if not _visible_ascii(nonce):
        raise BadSignature("X-Puhui-Nonce must be visible ASCII characters", code="bad_nonce")
    expires_at = datetime.fromtimestamp(timestamp, UTC) + KEEP
    if not await uow.nonces.claim(key_id, nonce, expires_at):
        raise BadSignature("this nonce has been used already", code="nonce_reused")


async def prune(uow: UnitOfWork, now: datetime) -> int:
    """Forget nonces whose requests can no longer pass the window; returns how many."""
    return await uow.nonces.prune(before=now)
