"""Checking a downloaded certificate offline against the published keys (pure, no I/O).

A holder (or anyone they show it to) needs only the JSON and a copy of
`GET /v1/public/certificate-keys`: decode the certificate, find the key by `key_id` (every
listed key counts, active or not: rotation keeps old certificates verifiable), encode
`document` canonically (signing.py) and check the Ed25519 signature over those bytes.
"""

from __future__ import annotations

from typing import Any

import msgspec

from domain.certificates import signing
from domain.certificates.document import CertificateDocument
from domain.errors import DomainError


class CertificateInvalid(DomainError):
    """The certificate does not verify; `code` says why."""

    code = "certificate_invalid"


class _Envelope(msgspec.Struct):
    document: dict[str, Any]
    key_id: str
    signature: str
    algorithm: str = signing.ALGORITHM
    canonical_sha256: str | None = None


class _Key(msgspec.Struct):
    key_id: str
    public_key: str
    algorithm: str = signing.ALGORITHM


class _Keys(msgspec.Struct):
    keys: list[_Key]


def read_keys(raw: bytes) -> dict[str, str]:
    """Key id -> public key of a saved `GET /v1/public/certificate-keys` answer. A listed key
    whose id is not its own public key's id is left out (it could vouch for nothing)."""
    try:
        listed = msgspec.json.decode(raw, type=_Keys).keys
    except msgspec.DecodeError as exc:
        raise CertificateInvalid(
            f"the keys are not a key listing: {exc}", code="bad_keys"
        ) from None
    out = {}
    for key in listed:
        try:
            if (
                key.algorithm == signing.ALGORITHM
                and signing.key_id_for(key.public_key) == key.key_id
            ):
                out[key.key_id] = key.public_key
        except signing.BadKey:
            continue
    return out


def verify_certificate(raw: bytes, public_keys: dict[str, str]) -> CertificateDocument:
    """The document of a genuine, unaltered certificate; CertificateInvalid naming the failure
    (`malformed`, `unknown_key`, `bad_signature`, `altered_document`) otherwise."""
    try:
        envelope = msgspec.json.decode(raw, type=_Envelope)
        document = msgspec.convert(envelope.document, CertificateDocument)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise CertificateInvalid(f"not a certificate: {exc}", code="malformed") from None
    if envelope.algorithm != signing.ALGORITHM:
        raise CertificateInvalid(f"unsupported algorithm {envelope.algorithm!r}", code="malformed")
    public = public_keys.get(envelope.key_id)
    if public is None:
        raise CertificateInvalid(
            f"unknown key id {envelope.key_id!r}: not among the published certificate keys",
            code="unknown_key",
        )
    data = signing.canonical(envelope.document)
    try:
        genuine = signing.signature_matches(public, data, envelope.signature)
    except ValueError as exc:
        raise CertificateInvalid(f"bad signature: {exc}", code="bad_signature") from None
    if genuine:
        return document
    stated = envelope.canonical_sha256
    if stated is not None and stated != signing.digest(data):
        raise CertificateInvalid(
            "altered document: a field of `document` differs from what was signed "
            f"(sha256 now {signing.digest(data)}, signed {stated})",
            code="altered_document",
        )
    raise CertificateInvalid(
        f"bad signature: it does not match the document under key {envelope.key_id}",
        code="bad_signature",
    )
