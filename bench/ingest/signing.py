"""Request bodies and their HMAC signatures, as API.md defines them for operators."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from typing import Any


def body_sha(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def signed_headers(key_id: str, secret: str, path: str, sha_hex: str) -> dict[str, str]:
    """API.md: hex HMAC-SHA256 over METHOD \\n PATH \\n TIMESTAMP \\n NONCE \\n sha256hex(BODY)."""
    ts, nonce = str(int(time.time())), secrets.token_hex(16)
    message = "\n".join(("POST", path, ts, nonce, sha_hex)).encode()
    return {
        "X-Puhui-Key": key_id,
        "X-Puhui-Timestamp": ts,
        "X-Puhui-Nonce": nonce,
        "X-Puhui-Signature": hmac.new(secret.encode(), message, hashlib.sha256).hexdigest(),
        "Content-Type": "application/json",
    }


def self_check_signing() -> None:
    """Our precomputed-hash signing agrees with the service's own sign()."""
    from domain.operators.signing import sign

    body = b'{"trips":[]}'
    h = signed_headers("k", "s3cret", "/v1/operators/x/trips", body_sha(body))
    expected = sign(
        "s3cret", "POST", "/v1/operators/x/trips", h["X-Puhui-Timestamp"], h["X-Puhui-Nonce"], body
    )
    assert h["X-Puhui-Signature"] == expected, "bench signing disagrees with domain sign()"


def dumps(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()
