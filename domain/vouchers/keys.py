"""The Ed25519 keys that sign voucher tokens: one active key signs, older keys keep verifying
until retired. Private halves are stored encrypted; each process caches the decrypted ring."""

from __future__ import annotations

from datetime import datetime, timedelta

import msgspec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.crypto import DataProtector
from domain.errors import Conflict, NotFound
from domain.governance.audit import Actor, record
from domain.persistence.uow import UnitOfWork
from domain.vouchers import tokens

RELOAD_AFTER = timedelta(seconds=60)
RELOAD_UNKNOWN_AFTER = timedelta(seconds=1)
VERIFIED_CACHE = 20_000


class NoSigningKey(Conflict):
    """There is no active key to sign voucher tokens with."""

    code = "no_signing_key"


class PublicKey(msgspec.Struct, frozen=True):
    key_id: str
    public_key: str
    active: bool
    created_at: datetime


def _new_row(protector: DataProtector, now: datetime) -> dict:
    private = tokens.generate_private_key()
    public = tokens.public_key_text(private)
    return {
        "key_id": tokens.key_id_for(public),
        "public_key": public,
        "private_key_enc": protector.encrypt(tokens.private_key_to_text(private)),
        "active_slot": "A",
        "created_at": now,
        "retired_at": None,
    }


class KeyRing:
    """This process's view of the signing keys, reloaded from the database every minute (so a
    rotation made by another process is picked up) or when a token names an unknown key."""

    def __init__(self, protector: DataProtector) -> None:
        self._protector = protector
        self._signer: tuple[str, Ed25519PrivateKey] | None = None
        self._public: list[PublicKey] = []
        self._loaded_at: datetime | None = None
        # token -> voucher id of tokens whose signature checked out against the keys loaded now
        # (a counter scans the same voucher again and again); emptied when the keys change
        self._verified: dict[str, str] = {}

    def forget(self) -> None:
        self._loaded_at = None
        self._verified.clear()

    async def ensure(self, uow: UnitOfWork, now: datetime) -> None:
        """Create the first signing key. The caller gives it a transaction of its own (at
        start-up: a key made inside a request that then fails would be rolled back after signing
        nothing, but stay cached here). Concurrent starts agree: one active key at most (unique
        active slot)."""
        if not any(r.active_slot == "A" for r in await uow.vouchers.signing_keys()):
            await uow.vouchers.add_signing_key(_new_row(self._protector, now))

    async def _load(self, uow: UnitOfWork, now: datetime) -> None:
        rows = await uow.vouchers.signing_keys()
        if not any(r.active_slot == "A" for r in rows):
            raise NoSigningKey("no active voucher signing key: POST /v1/admin/voucher-keys")
        public = [
            PublicKey(r.key_id, r.public_key, r.active_slot == "A", r.created_at) for r in rows
        ]
        if {k.key_id for k in public} != {k.key_id for k in self._public}:
            self._verified.clear()
        self._public = public
        active = next(r for r in rows if r.active_slot == "A")
        if self._signer is None or self._signer[0] != active.key_id:
            private = tokens.private_key_from_text(self._protector.decrypt(active.private_key_enc))
            self._signer = (active.key_id, private)
        self._loaded_at = now

    async def _fresh(self, uow: UnitOfWork, now: datetime, max_age: timedelta) -> None:
        if self._loaded_at is None or now - self._loaded_at >= max_age or now < self._loaded_at:
            await self._load(uow, now)

    async def signer(self, uow: UnitOfWork, now: datetime) -> tuple[str, Ed25519PrivateKey]:
        """(key id, private key) of the active key, creating the first key if there is none."""
        await self._fresh(uow, now, RELOAD_AFTER)
        assert self._signer is not None
        return self._signer

    async def public_keys(self, uow: UnitOfWork, now: datetime) -> list[PublicKey]:
        await self._fresh(uow, now, RELOAD_AFTER)
        return list(self._public)

    async def voucher_of(self, uow: UnitOfWork, token: str, now: datetime) -> str:
        """The voucher id a token names, once its signature checks out (expiry not judged)."""
        await self._fresh(uow, now, RELOAD_AFTER)
        hit = self._verified.get(token)
        if hit is not None:
            return hit
        keys = await self.verifying_keys(uow, now, tokens.read_token(token).key_id)
        voucher_id = tokens.verify_token(token, keys, now, check_expiry=False).voucher_id
        if len(self._verified) >= VERIFIED_CACHE:
            self._verified.clear()
        self._verified[token] = voucher_id
        return voucher_id

    async def verifying_keys(self, uow: UnitOfWork, now: datetime, key_id: str) -> dict[str, str]:
        """Key id -> public key, reloading (at most once a second) if `key_id` is not known."""
        await self._fresh(uow, now, RELOAD_AFTER)
        if all(k.key_id != key_id for k in self._public):
            await self._fresh(uow, now, RELOAD_UNKNOWN_AFTER)
        return {k.key_id: k.public_key for k in self._public}


async def rotate(
    uow: UnitOfWork, protector: DataProtector, actor: Actor, now: datetime
) -> PublicKey:
    """Make a new active key; the previous one keeps verifying until it is retired."""
    await uow.vouchers.deactivate_signing_key()
    row = _new_row(protector, now)
    if not await uow.vouchers.add_signing_key(row):
        raise Conflict("another rotation is in progress", code="rotation_in_progress")
    record(
        uow,
        actor,
        "voucher_key.rotate",
        "voucher_key",
        row["key_id"],
        None,
        {"public_key": row["public_key"]},
        now,
    )
    return PublicKey(row["key_id"], row["public_key"], True, now)


async def retire(uow: UnitOfWork, actor: Actor, key_id: str, now: datetime) -> None:
    """Stop accepting tokens of an inactive key (their vouchers can still be typed by code)."""
    if not await uow.vouchers.retire_signing_key(key_id, now):
        raise NotFound("no inactive, unretired key with that id", code="key_not_found")
    record(
        uow,
        actor,
        "voucher_key.retire",
        "voucher_key",
        key_id,
        None,
        {"retired_at": now.isoformat()},
        now,
    )
