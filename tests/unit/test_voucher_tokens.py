"""Voucher tokens: what a merchant can check offline, and everything it must refuse."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.clock import SHANGHAI
from domain.errors import Gone
from domain.vouchers import tokens
from domain.vouchers.tokens import BadToken, TokenClaims, TokenExpired

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
EXPIRES = datetime(2026, 3, 31, 16, 0, tzinfo=UTC)
VOUCHER = "01JQ0000000000000000000VCH"
MERCHANT = "01JQ0000000000000000000MER"
KEY = tokens.generate_private_key()
PUBLIC = tokens.public_key_text(KEY)
KEY_ID = tokens.key_id_for(PUBLIC)
KEYS = {KEY_ID: PUBLIC}


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def token(**overrides: object) -> str:
    fields: dict = {
        "key_id": KEY_ID,
        "voucher_id": VOUCHER,
        "merchant_id": MERCHANT,
        "expires_at": EXPIRES,
    }
    fields.update(overrides)
    return tokens.sign_token(KEY, **fields)


def resign(payload: bytes, key=KEY) -> str:
    signed = "PH1." + b64(payload)
    return f"{signed}.{b64(key.sign(signed.encode()))}"


def test_roundtrip_gives_back_every_claim() -> None:
    claims = tokens.verify_token(token(), KEYS, NOW)
    assert claims == TokenClaims(
        key_id=KEY_ID, voucher_id=VOUCHER, merchant_id=MERCHANT, expires_at=EXPIRES
    )
    assert claims.expires_at.tzinfo is not None
    assert claims.expires_at.utcoffset() == timedelta(0)
    assert tokens.read_token(token()) == claims


def test_format_is_exactly_the_documented_one() -> None:
    prefix, payload, signature = token().split(".")
    assert prefix == "PH1"
    assert "=" not in payload + signature
    assert unb64(payload) == (
        b'{"e":1774972800,"k":"'
        + KEY_ID.encode()
        + b'","m":"'
        + MERCHANT.encode()
        + b'","v":"'
        + VOUCHER.encode()
        + b'"}'
    )
    # a merchant app needs nothing but the raw public key and the RFC 8032 verification
    public = Ed25519PublicKey.from_public_bytes(unb64(PUBLIC))
    public.verify(unb64(signature), f"PH1.{payload}".encode())
    assert len(unb64(signature)) == 64
    assert len(token()) < 300  # small enough for a QR code a phone camera reads at once


def test_expiry_in_another_zone_is_the_same_instant_truncated_to_seconds() -> None:
    shanghai = EXPIRES.astimezone(SHANGHAI).replace(microsecond=999_999)
    assert shanghai.hour == 0  # midnight in Nanjing
    claims = tokens.read_token(token(expires_at=shanghai))
    assert claims.expires_at == EXPIRES
    assert claims.expires_at.tzinfo is UTC


def test_key_text_roundtrips_and_key_id_is_stable() -> None:
    again = tokens.private_key_from_text(tokens.private_key_to_text(KEY))
    assert tokens.public_key_text(again) == PUBLIC
    assert tokens.public_key_text(KEY.public_key()) == PUBLIC
    assert len(unb64(PUBLIC)) == 32
    assert hashlib.sha256(unb64(PUBLIC)).hexdigest()[:16] == KEY_ID
    assert tokens.key_id_for(PUBLIC) == KEY_ID
    other = tokens.public_key_text(tokens.generate_private_key())
    assert tokens.key_id_for(other) != KEY_ID


@pytest.mark.parametrize("text", ["", "abc", b64(b"x" * 31), b64(b"x" * 33), "A+B/" * 11])
def test_malformed_private_key_text_is_a_value_error(text: str) -> None:
    with pytest.raises(ValueError):
        tokens.private_key_from_text(text)


def test_tampered_payload_is_a_bad_token() -> None:
    _, payload, signature = token().split(".")
    body = json.loads(unb64(payload))
    body["m"] = "01JQ0000000000000000000XXX"
    forged = f"PH1.{b64(json.dumps(body, separators=(',', ':')).encode())}.{signature}"
    assert tokens.read_token(forged).merchant_id == "01JQ0000000000000000000XXX"  # readable...
    with pytest.raises(BadToken) as info:
        tokens.verify_token(forged, KEYS, NOW)  # ...but not genuine
    assert info.value.code == "bad_token"


def test_flipping_any_signature_byte_is_a_bad_token() -> None:
    signed, _, signature = token().rpartition(".")
    raw = unb64(signature)
    for i in (0, 31, 63):
        flipped = raw[:i] + bytes([raw[i] ^ 1]) + raw[i + 1 :]
        with pytest.raises(BadToken):
            tokens.verify_token(f"{signed}.{b64(flipped)}", KEYS, NOW)


def test_signature_of_another_key_under_our_key_id_is_a_bad_token() -> None:
    impostor = tokens.generate_private_key()
    forged = tokens.sign_token(
        impostor, key_id=KEY_ID, voucher_id=VOUCHER, merchant_id=MERCHANT, expires_at=EXPIRES
    )
    assert tokens.read_token(forged).key_id == KEY_ID
    with pytest.raises(BadToken, match="signature"):
        tokens.verify_token(forged, KEYS, NOW)


def test_unknown_key_id_is_a_bad_token() -> None:
    with pytest.raises(BadToken, match="unknown key") as info:
        tokens.verify_token(token(key_id="0000000000000000"), KEYS, NOW)
    assert info.value.extra == {"key_id": "0000000000000000"}
    with pytest.raises(BadToken, match="unknown key"):
        tokens.verify_token(token(), {}, NOW)


def test_any_listed_key_verifies_its_own_tokens() -> None:
    new_key = tokens.generate_private_key()
    new_public = tokens.public_key_text(new_key)
    new_id = tokens.key_id_for(new_public)
    keys = {KEY_ID: PUBLIC, new_id: new_public}
    newer = tokens.sign_token(
        new_key, key_id=new_id, voucher_id=VOUCHER, merchant_id=MERCHANT, expires_at=EXPIRES
    )
    assert tokens.verify_token(newer, keys, NOW).key_id == new_id
    assert tokens.verify_token(token(), keys, NOW).key_id == KEY_ID


def test_expired_from_the_expiry_second_on() -> None:
    just_before = EXPIRES - timedelta(microseconds=1)
    assert tokens.verify_token(token(), KEYS, just_before).voucher_id == VOUCHER
    for now in (EXPIRES, EXPIRES + timedelta(days=400)):
        with pytest.raises(TokenExpired) as info:
            tokens.verify_token(token(), KEYS, now)
        assert isinstance(info.value, Gone)
        assert info.value.code == "expired"
        assert info.value.extra == {"expires_at": EXPIRES.isoformat()}


def test_check_expiry_false_returns_a_genuine_expired_token_but_not_a_forged_one() -> None:
    late = EXPIRES + timedelta(days=1)
    assert tokens.verify_token(token(), KEYS, late, check_expiry=False).expires_at == EXPIRES
    impostor = tokens.generate_private_key()
    forged = tokens.sign_token(
        impostor, key_id=KEY_ID, voucher_id=VOUCHER, merchant_id=MERCHANT, expires_at=EXPIRES
    )
    with pytest.raises(BadToken):
        tokens.verify_token(forged, KEYS, late, check_expiry=False)


def test_a_forged_expired_token_is_bad_not_expired() -> None:
    impostor = tokens.generate_private_key()
    forged = tokens.sign_token(
        impostor, key_id=KEY_ID, voucher_id=VOUCHER, merchant_id=MERCHANT, expires_at=EXPIRES
    )
    with pytest.raises(BadToken):
        tokens.verify_token(forged, KEYS, EXPIRES + timedelta(days=1))


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        token(expires_at=datetime(2026, 3, 31, 16, 0))
    with pytest.raises(ValueError, match="aware"):
        tokens.verify_token(token(), KEYS, datetime(2026, 3, 1, 12, 0))


@pytest.mark.parametrize("field", ["key_id", "voucher_id", "merchant_id"])
def test_sign_refuses_what_read_would_refuse(field: str) -> None:
    with pytest.raises(ValueError, match="empty"):
        token(**{field: ""})
    with pytest.raises(ValueError, match="512"):
        token(**{field: "x" * 400})


def test_sign_refuses_an_expiry_before_1970() -> None:
    with pytest.raises(ValueError, match="range"):
        token(expires_at=datetime(1969, 12, 31, tzinfo=UTC))


def test_a_malformed_public_key_in_the_mapping_is_a_value_error_not_a_bad_token() -> None:
    with pytest.raises(ValueError) as info:
        tokens.verify_token(token(), {KEY_ID: "not-a-key"}, NOW)
    assert not isinstance(info.value, BadToken)


GOOD = token()
_, GOOD_PAYLOAD, GOOD_SIGNATURE = GOOD.split(".")


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "PH1",
        "PH1.",
        "PH1..",
        GOOD.replace("PH1.", "PH2.", 1),
        GOOD.replace("PH1.", "ph1.", 1),
        " " + GOOD,
        GOOD + "\n",
        GOOD + ".",
        GOOD + "=",
        f"PH1.{GOOD_PAYLOAD}",
        f"PH1.{GOOD_PAYLOAD}=.{GOOD_SIGNATURE}",
        f"PH1.{GOOD_PAYLOAD}.{GOOD_SIGNATURE}==",
        f"PH1.{GOOD_PAYLOAD.replace('-', '+').replace('_', '/')}x.{GOOD_SIGNATURE}",
        f"PH1.{GOOD_PAYLOAD}.{GOOD_SIGNATURE[:-1]}",  # 85 chars: not a whole signature
        f"PH1.{GOOD_PAYLOAD}.{GOOD_SIGNATURE[:-1]}x",  # non-zero trailing bits
        f"PH1.{GOOD_PAYLOAD}.{GOOD_SIGNATURE}" + "A" * 400,
        "PH1.é." + GOOD_SIGNATURE,
    ],
)
def test_malformed_tokens_are_bad_tokens(bad: str) -> None:
    with pytest.raises(BadToken):
        tokens.verify_token(bad, KEYS, NOW)


@pytest.mark.parametrize(
    "payload",
    [
        b"",
        b"not json",
        b"\xff\xfe",
        b"[]",
        b'"PH1"',
        b"{}",
        b'{"e":1774972800,"k":"a","m":"b"}',  # no voucher
        b'{"e":"1774972800","k":"a","m":"b","v":"c"}',  # expiry as a string
        b'{"e":1774972800.5,"k":"a","m":"b","v":"c"}',
        b'{"e":true,"k":"a","m":"b","v":"c"}',
        b'{"e":-1,"k":"a","m":"b","v":"c"}',
        b'{"e":99999999999999999999,"k":"a","m":"b","v":"c"}',
        b'{"e":1774972800,"k":"","m":"b","v":"c"}',
        b'{"e":1774972800,"k":1,"m":"b","v":"c"}',
        b'{"e":1774972800,"k":"a","m":null,"v":"c"}',
        b'{"e":1774972800,"k":"a","m":"b","v":"c","x":1}',  # unknown member
    ],
)
def test_correctly_signed_but_ill_formed_payloads_are_bad_tokens(payload: bytes) -> None:
    forged = resign(payload)
    with pytest.raises(BadToken, match="payload"):
        tokens.read_token(forged)
    with pytest.raises(BadToken, match="payload"):
        tokens.verify_token(forged, {"a": PUBLIC}, NOW)


def test_the_largest_expiry_is_readable() -> None:
    claims = tokens.read_token(resign(b'{"e":253402300799,"k":"a","m":"b","v":"c"}'))
    assert claims.expires_at == datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)


def _never_anything_but_bad_token(text: str) -> None:
    try:
        claims = tokens.verify_token(text, KEYS, NOW)
    except BadToken as exc:
        assert exc.code == "bad_token"
    else:
        pytest.fail(f"accepted {text!r} as {claims}")


@settings(max_examples=400)
@given(st.text(max_size=600))
def test_any_text_is_at_worst_a_bad_token(text: str) -> None:
    _never_anything_but_bad_token(text)


@settings(max_examples=300)
@given(
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/"),
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/"),
)
def test_any_base64ish_text_after_the_prefix_is_at_worst_a_bad_token(a: str, b: str) -> None:
    _never_anything_but_bad_token(f"PH1.{a}.{b}")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=300)
@given(
    st.one_of(
        st.binary(max_size=200),
        json_values.map(lambda v: json.dumps(v).encode()),
        st.fixed_dictionaries(
            {"e": json_values, "k": json_values, "m": json_values, "v": json_values}
        ).map(lambda v: json.dumps(v).encode()),
    ),
    st.binary(min_size=64, max_size=64),
)
def test_any_payload_with_a_wrong_signature_is_at_worst_a_bad_token(
    payload: bytes, signature: bytes
) -> None:
    text = f"PH1.{b64(payload)}.{b64(signature)}"
    _never_anything_but_bad_token(text)
    with contextlib.suppress(BadToken):  # reading may refuse, but only ever with BadToken
        claims = tokens.read_token(text)
        assert claims.key_id and claims.voucher_id and claims.merchant_id
        assert claims.expires_at.tzinfo is UTC
