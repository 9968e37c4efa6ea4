"""The Ed25519 keys that sign retirement certificates (use cases over the unit of work).

One key is active and signs; a rotation makes a new active key and keeps every older one
published, because a certificate is kept for years and must still verify. Private halves are
stored encrypted with the data key. The first key is made on first need, in the asking request's
transaction: concurrent first requests agree on one key (unique active slot).
"""

from __future__ import annotations

from datetime import datetime

import msgspec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.certificates import signing
from domain.crypto import DataProtector
from domain.errors import Conflict
from domain.governance.audit import Actor, record
from domain.persistence.uow import UnitOfWork


class CertificateKeyInfo(msgspec.Struct, frozen=True, kw_only=True):
    key_id: str
    public_key: str  # standard base64 of the raw 32-byte Ed25519 public key
    active: bool
    created_at: datetime


def _new_row(protector: DataProtector, now: datetime) -> dict:
    private = signing.generate_private_key()
    public = signing.public_key_text(private)
    return {
        "key_id": signing.key_id_for(public),
        "public_key": public,
        "private_key_enc": protector.encrypt(signing.private_key_text(private)),
        "active_slot": "A",
        "created_at": now,
    }


async def signer(
    uow: UnitOfWork, protector: DataProtector, now: datetime
) -> tuple[str, Ed25519PrivateKey]:
    """(key id, private key) of the active key, made now if there is none yet."""
    active = await uow.certificates.active_signing_key()
    if active is None:
        await uow.certificates.add_signing_key(_new_row(protector, now))
        active = await uow.certificates.active_signing_key()
    if active is None:  # a rotation deactivated the winner between the two statements
        raise Conflict("the certificate key is being rotated; try again", code="key_rotating")
    return active.key_id, signing.private_key_from_text(protector.decrypt(active.private_key_enc))


async def public_keys(
    uow: UnitOfWork, protector: DataProtector, now: datetime
) -> list[CertificateKeyInfo]:
    """Every certificate key, oldest first: never empty (the first key is made if needed)."""
    if await uow.certificates.active_signing_key() is None:
        await signer(uow, protector, now)
    return [
        CertificateKeyInfo(
            key_id=r.key_id,
            public_key=r.public_key,
            active=r.active_slot == "A",
            created_at=r.created_at,
        )
        for r in await uow.certificates.signing_keys()
    ]


async def rotate(
    uow: UnitOfWork, protector: DataProtector, actor: Actor, now: datetime
) -> CertificateKeyInfo:
    """A new active key; the previous ones stay listed and keep verifying their certificates."""
    await uow.certificates.deactivate_signing_key()
    row = _new_row(protector, now)
    if not await uow.certificates.add_signing_key(row):
        raise Conflict("another rotation is in progress", code="rotation_in_progress")
    record(
        uow,
        actor,
        "certificate_key.rotate",
        "certificate_key",
        row["key_id"],
        None,
        {"public_key": row["public_key"]},
        now,
    )
    return CertificateKeyInfo(
        key_id=row["key_id"], public_key=row["public_key"], active=True, created_at=now
    )
