"""Operator request signatures (pure): HMAC-SHA256 over method, path, timestamp, nonce, body hash.

signature = hex(HMAC-SHA256(secret, METHOD \n PATH_WITH_QUERY \n TIMESTAMP \n NONCE \n
                                 hex(sha256(BODY))))
"""

from __future__ import annotations

import hashlib
import hmac

from domain.errors import Unauthenticated

WINDOW_SECONDS = 300
MAX_NONCE_LENGTH = 128


class BadSignature(Unauthenticated):
    """The operator request signature is missing, stale, reused or wrong."""

    code = "bad_signature"


def canonical(method: str, path_with_query: str, timestamp: str, nonce: str, body: bytes) -> bytes:
    body_hash = hashlib.sha256(body).hexdigest()
    return "\n".join((method.upper(), path_with_query, timestamp, nonce, body_hash)).encode()


def sign(
    secret: str, method: str, path_with_query: str, timestamp: str, nonce: str, body: bytes
) -> str:
    message = canonical(method, path_with_query, timestamp, nonce, body)
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def check_freshness(timestamp: str, nonce: str, now_unix: float) -> int:
    """Validate the timestamp window and the nonce's shape; returns the timestamp."""
    if not nonce or len(nonce) > MAX_NONCE_LENGTH:
        raise BadSignature("X-Puhui-Nonce must be 1 to 128 characters", code="bad_nonce")
    try:
        ts = int(timestamp)
    except ValueError as exc:
        raise BadSignature("X-Puhui-Timestamp must be unix seconds", code="bad_timestamp") from exc
    if abs(now_unix - ts) > WINDOW_SECONDS:
        raise BadSignature("the request timestamp is outside +-300 s", code="stale_timestamp")
    return ts


def verify(
    secret: str,
    signature: str,
    method: str,
    path_with_query: str,
    timestamp: str,
    nonce: str,
    body: bytes,
) -> None:
    expected = sign(secret, method, path_with_query, timestamp, nonce, body).encode()
    # As bytes: compare_digest refuses str with characters outside ASCII, which a caller may send.
    if not hmac.compare_digest(expected, signature.strip().lower().encode()):
        raise BadSignature("the request signature does not match", code="bad_signature")
