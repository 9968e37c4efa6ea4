"""Access JWTs: what we issue verifies; everything else is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest

from domain.identity.access_tokens import AccessTokens, InvalidAccessToken, TokenSettings
from domain.identity.principal import Principal, Role

SECRET = "unit-test-secret-unit-test-secret-0123"
tokens = AccessTokens(TokenSettings(secret=SECRET))


def test_round_trip_citizen_and_staff() -> None:
    now = datetime.now(UTC)
    citizen = Principal(kind="citizen", id="c1", family_id="f1")
    staff = Principal(kind="staff", id="s1", family_id="f2", role=Role.MERCHANT, merchant_id="m1")
    assert tokens.verify(tokens.issue(citizen, now)) == citizen
    assert tokens.verify(tokens.issue(staff, now)) == staff


def test_lifetime_is_fifteen_minutes() -> None:
    now = datetime.now(UTC)
    claims = jwt.decode(
        tokens.issue(Principal(kind="citizen", id="c", family_id="f"), now),
        options={"verify_signature": False},
    )
    assert claims["exp"] - claims["iat"] == 15 * 60


def test_expired() -> None:
    old = datetime.now(UTC) - timedelta(minutes=16)
    token = tokens.issue(Principal(kind="citizen", id="c", family_id="f"), old)
    with pytest.raises(InvalidAccessToken) as info:
        tokens.verify(token)
    assert info.value.code == "token_expired"


def _base() -> dict:
    now = int(datetime.now(UTC).timestamp())
    return {
        "iss": "puhui",
        "aud": "puhui-api",
        "sub": "c",
        "typ": "citizen",
        "fam": "f",
        "iat": now,
        "exp": now + 60,
    }


@pytest.mark.parametrize(
    "token",
    [
        jwt.encode(_base(), None, algorithm="none"),
        jwt.encode(_base(), "another-secret-another-secret-0123", algorithm="HS256"),
        jwt.encode({**_base(), "aud": "someone-else"}, SECRET, algorithm="HS256"),
        jwt.encode({**_base(), "typ": "robot"}, SECRET, algorithm="HS256"),
        jwt.encode({**_base(), "typ": "staff"}, SECRET, algorithm="HS256"),  # staff needs a role
        jwt.encode({**_base(), "typ": "staff", "role": "king"}, SECRET, algorithm="HS256"),
        jwt.encode({k: v for k, v in _base().items() if k != "exp"}, SECRET, algorithm="HS256"),
        jwt.encode(_base(), SECRET * 2, algorithm="HS512"),
        "a.b.c",
    ],
)
def test_refused(token: str) -> None:
    with pytest.raises(InvalidAccessToken):
        tokens.verify(token)


def test_a_verified_token_is_remembered_until_its_expiry_only(monkeypatch) -> None:
    fresh = AccessTokens(TokenSettings(secret=SECRET))
    now = datetime.now(UTC)
    principal = Principal(kind="citizen", id="c9", family_id="f9")
    token = fresh.issue(principal, now)
    exp = jwt.decode(token, options={"verify_signature": False})["exp"]
    calls = []
    real = jwt.decode
    monkeypatch.setattr(jwt, "decode", lambda *a, **k: calls.append(1) or real(*a, **k))
    assert fresh.verify(token) == principal
    assert fresh.verify(token) == principal
    assert len(calls) == 1  # the second time from memory
    assert fresh.verify(token, now=exp + 1) == principal  # past its exp: checked again
    assert len(calls) == 2
    forged = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    with pytest.raises(InvalidAccessToken):
        fresh.verify(forged)
    with pytest.raises(InvalidAccessToken):
        fresh.verify(forged)  # a refused token is never remembered
    assert len(calls) == 4
