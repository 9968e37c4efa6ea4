"""AEAD_AES_256_GCM, the cipher of WeChat Pay callback resources (and of platform certificates).

The key is the merchant's APIv3 key: 32 ASCII bytes set in the merchant platform. The resource
carries a 12-character `nonce`, `associated_data` (e.g. "transaction", possibly empty) and the
base64 `ciphertext` with the 16-byte GCM tag at its end. GCM authenticates all three, so a changed
ciphertext, another key or other associated data fail to decrypt instead of yielding garbage.
"""

from __future__ import annotations

import base64
import binascii

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from integrations.payments.wechatpay.errors import DecryptionFailed

KEY_BYTES = 32


def _cipher(api_v3_key: bytes) -> AESGCM:
    if len(api_v3_key) != KEY_BYTES:
        raise ValueError(f"the APIv3 key must be {KEY_BYTES} bytes, not {len(api_v3_key)}")
    return AESGCM(api_v3_key)


def decrypt(api_v3_key: bytes, *, nonce: str, associated_data: str, ciphertext: str) -> bytes:
    """The plaintext of a resource, or DecryptionFailed."""
    cipher = _cipher(api_v3_key)
    try:
        raw = base64.b64decode(ciphertext, validate=True)
        return cipher.decrypt(nonce.encode(), raw, associated_data.encode())
    except (InvalidTag, binascii.Error, ValueError):
        raise DecryptionFailed("the callback resource does not decrypt") from None


def encrypt(api_v3_key: bytes, *, nonce: str, associated_data: str, plaintext: bytes) -> str:
    """Base64 ciphertext+tag, as WeChat Pay makes it (the fake's side)."""
    raw = _cipher(api_v3_key).encrypt(nonce.encode(), plaintext, associated_data.encode())
    return base64.b64encode(raw).decode()
