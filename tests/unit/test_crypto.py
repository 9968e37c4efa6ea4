from __future__ import annotations

import pytest

from domain.crypto import DataProtector
from domain.identity.passwords import hash_password, verify_password


def test_keyed_hash_is_stable_keyed_and_purpose_bound() -> None:
    a, b = DataProtector("key-a"), DataProtector("key-b")
    assert a.keyed_hash("openid", "o1") == a.keyed_hash("openid", "o1")
    assert a.keyed_hash("openid", "o1") != b.keyed_hash("openid", "o1")
    assert a.keyed_hash("openid", "o1") != a.keyed_hash("metro-card", "o1")


def test_encryption_round_trip_and_wrong_key() -> None:
    a = DataProtector("key-a")
    token = a.encrypt("secret")
    assert "secret" not in token
    assert a.decrypt(token) == "secret"
    with pytest.raises(ValueError):
        DataProtector("key-b").decrypt(token)


def test_password_hash() -> None:
    h = hash_password("correct horse battery")
    assert h.startswith("$argon2id$")
    assert verify_password(h, "correct horse battery")
    assert not verify_password(h, "wrong")
    assert not verify_password("not-a-hash", "x")


async def test_the_async_password_check_runs_off_the_event_loop() -> None:
    """The Argon2 check runs on a worker thread: the event loop's thread never computes it."""
    import threading

    from domain.identity import passwords

    seen: list[int] = []
    real = passwords.verify_password

    def spy(password_hash: str, password: str) -> bool:
        seen.append(threading.get_ident())
        return real(password_hash, password)

    passwords.verify_password = spy
    try:
        h = await passwords.hash_password_off_loop("correct horse battery")
        assert await passwords.check_password(h, "correct horse battery")
        assert not await passwords.check_password(h, "wrong")
        assert not await passwords.check_password(None, "anything")  # unknown user: same cost
    finally:
        passwords.verify_password = real
    assert len(seen) == 3  # two checks, and the dummy hash for the unknown user
    assert threading.get_ident() not in seen
