"""Staff passwords: Argon2id, a memory-hard hash (no I/O). A check costs tens of milliseconds of
CPU on purpose; the async forms run it on a worker thread, so a burst of sign-ins does not stall
every other request of the process."""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # argon2id, 64 MiB, t=3: the library's RFC 9106 low-memory profile

MIN_LENGTH = 10


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# A real hash to verify against when the username is unknown, so both paths cost the same.
_DUMMY_HASH = _hasher.hash("not-a-real-password-but-costs-the-same")


def burn_time(password: str) -> None:
    verify_password(_DUMMY_HASH, password)


async def hash_password_off_loop(password: str) -> str:
    return await asyncio.to_thread(hash_password, password)


async def check_password(password_hash: str | None, password: str) -> bool:
    """verify_password on a worker thread; with no hash (unknown user) it burns the same time
    against a dummy hash and answers False."""
    if password_hash is None:
        await asyncio.to_thread(burn_time, password)
        return False
    return await asyncio.to_thread(verify_password, password_hash, password)
