"""Canonical JSON and Ed25519 signatures of certificates (pure, no I/O).

The signed bytes are the document in canonical form: UTF-8 JSON, object keys sorted, no
whitespace, non-ASCII characters written as themselves, integers only (no floats), every key
ASCII (so code-point order and RFC 8785's UTF-16 order agree). A verifier decodes the document it
received and encodes it again the same way: any altered, added or removed field changes the
bytes. Keys and signatures are standard base64 (RFC 4648 §4, with padding) of the raw bytes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Any

import msgspec
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALGORITHM = "Ed25519"


class BadKey(ValueError):
    """A text that is not a base64 Ed25519 key of the right length."""


def canonical(document: Any) -> bytes:
    """The exact bytes a certificate's signature covers."""
    return msgspec.json.encode(document, order="sorted")


def digest(data: bytes) -> str:
    """SHA-256 of the canonical bytes, in hex: lets a reader tell an altered document from a
    bad signature."""
    return hashlib.sha256(data).hexdigest()


def b64decode(text: str) -> bytes:
    """Strict standard base64; ValueError for anything else."""
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise ValueError("not standard base64") from exc


def b64encode(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def generate_private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def private_key_text(key: Ed25519PrivateKey) -> str:
    """The raw 32-byte private key in base64 (to store encrypted, never to log)."""
    return b64encode(key.private_bytes_raw())


def private_key_from_text(text: str) -> Ed25519PrivateKey:
    raw = b64decode(text)
    if len(raw) != 32:
        raise BadKey("an Ed25519 private key is 32 bytes")
    return Ed25519PrivateKey.from_private_bytes(raw)


def public_key_text(key: Ed25519PrivateKey) -> str:
    """The raw 32-byte public key in base64: what `GET /v1/public/certificate-keys` lists."""
    return b64encode(key.public_key().public_bytes_raw())


def public_key_from_text(text: str) -> Ed25519PublicKey:
    try:
        raw = b64decode(text)
    except ValueError as exc:
        raise BadKey(str(exc)) from None
    if len(raw) != 32:
        raise BadKey("an Ed25519 public key is 32 bytes")
    return Ed25519PublicKey.from_public_bytes(raw)


def key_id_for(public_text: str) -> str:
    """A short stable key id: the first 16 hex digits of SHA-256 of the raw public key."""
    return hashlib.sha256(public_key_from_text(public_text).public_bytes_raw()).hexdigest()[:16]


def sign(key: Ed25519PrivateKey, data: bytes) -> str:
    """The base64 Ed25519 signature (RFC 8032) of `data`."""
    return b64encode(key.sign(data))


def signature_matches(public_text: str, data: bytes, signature: str) -> bool:
    """True when `signature` (base64) is the key's signature of `data`; BadKey for a bad key,
    ValueError for a signature that is not 64 bytes of base64."""
    public = public_key_from_text(public_text)
    raw = b64decode(signature)
    if len(raw) != 64:
        raise ValueError("an Ed25519 signature is 64 bytes")
    try:
        public.verify(raw, data)
    except InvalidSignature:
        return False
    return True
