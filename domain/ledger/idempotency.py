"""Idempotency keys for writes that move points: the first answer is kept and replayed.

The key is claimed in the same transaction as the write it guards, so a failed write leaves no
claim behind, and a concurrent request with the same key waits and then replays the answer.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

import msgspec

from domain.errors import InvalidInput
from domain.persistence.uow import UnitOfWork

MAX_KEY = 128


class Replay(msgspec.Struct, frozen=True):
    status_code: int
    response: Any


def citizen_owner(citizen_id: str) -> str:
    """Whose key it is, for a citizen's writes (erasure deletes every record of the owner)."""
    return f"cit:{citizen_id}"


def request_hash(scope: str, body: Any) -> str:
    """A digest of what was asked (the operation and its canonical body)."""
    payload = msgspec.json.encode({"scope": scope, "body": body}, order="sorted")
    return hashlib.sha256(payload).hexdigest()


def checked_key(key: str | None) -> str:
    """The Idempotency-Key as sent, stripped; 422 when missing, too long or unprintable."""
    if key is None or not key.strip():
        raise InvalidInput(
            "this write needs an Idempotency-Key header", code="idempotency_key_missing"
        )
    key = key.strip()
    if len(key) > MAX_KEY or not key.isprintable():
        raise InvalidInput(
            f"Idempotency-Key must be printable and at most {MAX_KEY} characters",
            code="idempotency_key_invalid",
        )
    return key


async def begin(
    uow: UnitOfWork, owner: str, key: str | None, digest: str, now: datetime
) -> Replay | None:
    """Claim `key` for `owner`; return the stored answer if the key was used before.

    The same key with a different request is refused (422 `idempotency_key_reused`).
    """
    key = checked_key(key)
    if await uow.idempotency.claim(owner, key, digest, now):
        return None
    record = await uow.idempotency.get(owner, key)
    if record is None or record.status_code is None:  # cannot happen after the claim waited
        raise InvalidInput("the Idempotency-Key is in use", code="idempotency_key_in_use")
    if record.request_hash != digest:
        raise InvalidInput(
            "this Idempotency-Key was used for a different request", code="idempotency_key_reused"
        )
    return Replay(status_code=record.status_code, response=record.response)


async def finish(
    uow: UnitOfWork, owner: str, key: str | None, status_code: int, response: Any
) -> None:
    """Store the answer to replay (same transaction as the write)."""
    await uow.idempotency.answer(owner, checked_key(key), status_code, response)
