"""Signed voucher tokens (Ed25519): a merchant checks one offline with our public key (pure).

A token is short enough for a small QR code: `PH1.<payload>.<signature>`, both parts base64url
without padding. `verify_token` documents the format exactly; merchant apps copy its logic.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Annotated

import msgspec
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from domain.errors import DomainError, Gone

PREFIX = "PH1."
MAX_TOKEN_LENGTH = 512
_MAX_EXPIRY = 253_402_300_799  # 9999-12-31T23:59:59Z, the last second a datetime can hold
_B64URL = re.compile(r"[A-Za-z0-9_-]*")

_Text = Annotated[str, msgspec.Meta(min_length=1)]
_Expiry = Annotated[int, msgspec.Meta(ge=0, le=_MAX_EXPIRY)]


class TokenClaims(msgspec.Struct, frozen=True):
    key_id: str
    voucher_id: str
    merchant_id: str
    expires_at: datetime  # aware, UTC


class BadToken(DomainError):
    """The token is forged, unreadable or signed by an unknown key."""

    code = "bad_token"


class TokenExpired(Gone):
    """The token has expired."""

    code = "expired"


class _Payload(msgspec.Struct, forbid_unknown_fields=True):
    k: _Text
    v: _Text
    m: _Text
    e: _Expiry


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    """Strict base64url without padding; ValueError for anything else (no second spelling)."""
    if not _B64URL.fullmatch(text) or len(text) % 4 == 1:
        raise ValueError("not base64url without padding")
    raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if _b64encode(raw) != text:  # non-zero trailing bits would give one value two spellings
        raise ValueError("not canonical base64url")
    return raw


def generate_private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def private_key_to_text(key: Ed25519PrivateKey) -> str:
    """The raw 32-byte private key as base64url (to keep encrypted, never to log)."""
    return _b64encode(key.private_bytes_raw())


def private_key_from_text(text: str) -> Ed25519PrivateKey:
    raw = _b64decode(text)
    if len(raw) != 32:
        raise ValueError("an Ed25519 private key is 32 bytes")
    return Ed25519PrivateKey.from_private_bytes(raw)


def public_key_text(key_or_public: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """The raw 32-byte public key as base64url: what `GET /v1/merchant/public-key` publishes."""
    public = (
        key_or_public.public_key()
        if isinstance(key_or_public, Ed25519PrivateKey)
        else key_or_public
    )
    return _b64encode(public.public_bytes_raw())


def _public_key_from_text(text: str) -> Ed25519PublicKey:
    raw = _b64decode(text)
    if len(raw) != 32:
        raise ValueError("an Ed25519 public key is 32 bytes")
    return Ed25519PublicKey.from_public_bytes(raw)


def key_id_for(public_text: str) -> str:
    """A short stable key id: the first 16 hex digits of SHA-256 of the raw public key."""
    return hashlib.sha256(_public_key_from_text(public_text).public_bytes_raw()).hexdigest()[:16]


def sign_token(
    private_key: Ed25519PrivateKey,
    *,
    key_id: str,
    voucher_id: str,
    merchant_id: str,
    expires_at: datetime,
) -> str:
    """The token for one voucher at one merchant, valid until `expires_at` (whole seconds)."""
    if expires_at.tzinfo is None or expires_at.utcoffset() is None:
        raise ValueError("expires_at must be an aware datetime")
    expiry = int(expires_at.timestamp())
    if not 0 <= expiry <= _MAX_EXPIRY:
        raise ValueError("expires_at is out of range")
    if not (key_id and voucher_id and merchant_id):
        raise ValueError("key_id, voucher_id and merchant_id must not be empty")
    payload = {"e": expiry, "k": key_id, "m": merchant_id, "v": voucher_id}
    signed = PREFIX + _b64encode(msgspec.json.encode(payload, order="sorted"))
    token = f"{signed}.{_b64encode(private_key.sign(signed.encode('ascii')))}"
    if len(token) > MAX_TOKEN_LENGTH:
        raise ValueError(f"the token would exceed {MAX_TOKEN_LENGTH} characters")
    return token


def _split(token: object) -> tuple[str, bytes, bytes]:
    """(signed part, payload JSON, signature) of a well-formed token, or BadToken."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH:
        raise BadToken("the token is not a string of at most 512 characters")
    if not token.startswith(PREFIX):
        raise BadToken("the token does not start with PH1.")
    parts = token[len(PREFIX) :].split(".")
    if len(parts) != 2:
        raise BadToken("the token is not PH1.<payload>.<signature>")
    try:
        payload, signature = _b64decode(parts[0]), _b64decode(parts[1])
    except ValueError:
        raise BadToken("the token is not base64url without padding") from None
    return PREFIX + parts[0], payload, signature


def _claims(payload: bytes) -> TokenClaims:
    try:
        body = msgspec.json.decode(payload, type=_Payload)
    except msgspec.DecodeError:
        raise BadToken("the token payload is not the expected JSON object") from None
    return TokenClaims(
        key_id=body.k,
        voucher_id=body.v,
        merchant_id=body.m,
        expires_at=datetime.fromtimestamp(body.e, UTC),
    )


def read_token(token: str) -> TokenClaims:
    """The claims of a well-formed token, WITHOUT checking its signature or expiry."""
    _, payload, _ = _split(token)
    return _claims(payload)


def verify_token(
    token: str,
    public_keys: Mapping[str, str],
    now: datetime,
    *,
    check_expiry: bool = True,
) -> TokenClaims:
    """The claims of a genuine, unexpired token; BadToken or TokenExpired otherwise.

    Format (version 1), all ASCII, at most 512 characters:

        PH1.<payload>.<signature>

    - `<payload>` is base64url (RFC 4648 §5, alphabet A-Z a-z 0-9 - _) WITHOUT `=` padding of
      compact UTF-8 JSON with sorted keys and exactly these members:
      `{"e": <expiry, integer Unix seconds UTC>, "k": "<key id>", "m": "<merchant id>",
      "v": "<voucher id>"}`, e.g. `{"e":1767225600,"k":"3f2a9c0d1e4b5a6f","m":"01J...",
      "v":"01J..."}`. The strings are non-empty, `e` is 0..253402300799, other members are
      refused. Never re-encode the JSON: the signature covers the characters as received.
    - `<signature>` is base64url without padding of the 64-byte Ed25519 signature (RFC 8032)
      of the ASCII bytes of `PH1.<payload>` (the text before the second dot, prefix included).
    - The public keys come from `GET /v1/merchant/public-key` as
      `{"keys": [{"key_id", "algorithm": "Ed25519", "public_key", "active"}]}`, `public_key`
      being base64url without padding of the raw 32-byte key.

    To verify: check the prefix and the two parts; decode the payload and read `k`; look up the
    public key with that id (none: reject); verify the signature over `PH1.<payload>` (bad:
    reject); then the token is expired when `now >= e`. Only then trust `v` and `m`: the
    scanning merchant must be `m`. A genuine token does not mean an unspent voucher: redeeming
    it, once, is still the server's decision.

    `public_keys` maps key id to public key text; `now` must be aware (ValueError otherwise,
    and for a public key text that is not a key). With `check_expiry=False` an expired but
    genuine token is returned (to explain a refusal).
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")
    signed, payload, signature = _split(token)
    claims = _claims(payload)
    public_text = public_keys.get(claims.key_id)
    if public_text is None:
        raise BadToken("the token is signed by an unknown key", key_id=claims.key_id)
    try:
        _public_key_from_text(public_text).verify(signature, signed.encode("ascii"))
    except InvalidSignature:
        raise BadToken("the token signature does not match") from None
    if check_expiry and now >= claims.expires_at:
        expired_at = claims.expires_at.isoformat()
        raise TokenExpired(f"the token expired at {expired_at}", expires_at=expired_at)
    return claims
