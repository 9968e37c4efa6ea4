"""The operator signature's canonical form, pinned to API.md's definition."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from domain.operators import signing


def test_canonical_string_is_exactly_the_documented_one() -> None:
    body = b'{"trips":[]}'
    expected = "\n".join(
        [
            "POST",
            "/v1/operators/op1/trips?x=1",
            "1700000000",
            "n-1",
            hashlib.sha256(body).hexdigest(),
        ]
    ).encode()
    assert (
        signing.canonical("post", "/v1/operators/op1/trips?x=1", "1700000000", "n-1", body)
        == expected
    )
    sig = signing.sign("s3cret", "POST", "/v1/operators/op1/trips?x=1", "1700000000", "n-1", body)
    assert sig == hmac.new(b"s3cret", expected, hashlib.sha256).hexdigest()


def test_verify_accepts_upper_case_hex_and_rejects_any_change() -> None:
    args = ("POST", "/p", "1700000000", "n", b"body")
    sig = signing.sign("k", *args)
    signing.verify("k", sig.upper(), *args)
    for changed in [
        ("GET", "/p", "1700000000", "n", b"body"),
        ("POST", "/q", "1700000000", "n", b"body"),
        ("POST", "/p", "1700000001", "n", b"body"),
        ("POST", "/p", "1700000000", "m", b"body"),
        ("POST", "/p", "1700000000", "n", b"bodY"),
    ]:
        with pytest.raises(signing.BadSignature):
            signing.verify("k", sig, *changed)
    with pytest.raises(signing.BadSignature):
        signing.verify("other-key", sig, *args)


@pytest.mark.parametrize(
    ("ts", "nonce", "code"),
    [
        ("abc", "n", "bad_timestamp"),
        ("1000", "", "bad_nonce"),
        ("1000", "x" * 129, "bad_nonce"),
        ("699", "n", "stale_timestamp"),
        ("1301", "n", "stale_timestamp"),
    ],
)
def test_freshness(ts: str, nonce: str, code: str) -> None:
    with pytest.raises(signing.BadSignature) as info:
        signing.check_freshness(ts, nonce, now_unix=1000)
    assert info.value.code == code


def test_freshness_inside_the_window() -> None:
    assert signing.check_freshness("700", "n", now_unix=1000) == 700
    assert signing.check_freshness("1300", "n", now_unix=1000) == 1300
