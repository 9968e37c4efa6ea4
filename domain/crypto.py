"""Keyed hashing and symmetric encryption of personal data and secrets (pure, no I/O).

Identifiers we must look up (openid, external account ids) are stored as keyed hashes; secrets we
must read back (operator HMAC keys) are stored encrypted. Both keys derive from one data key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet, InvalidToken


class DataProtector:
    def __init__(self, data_key: str) -> None:
        if not data_key:
            raise ValueError("data key must not be empty")
        root = data_key.encode()
        self._hash_key = hmac.new(root, b"puhui/keyed-hash/v1", hashlib.sha256).digest()
        enc_key = hmac.new(root, b"puhui/encryption/v1", hashlib.sha256).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(enc_key))

    def keyed_hash(self, purpose: str, value: str) -> str:
        """A stable, non-reversible lookup key for `value` within `purpose`."""
        message = f"{purpose}\x00{value}".encode()
        return hmac.new(self._hash_key, message, hashlib.sha256).hexdigest()

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken as exc:  # wrong data key or tampered row
            raise ValueError("cannot decrypt: wrong data key or corrupted value") from exc


def random_secret(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()
