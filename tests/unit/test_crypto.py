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
