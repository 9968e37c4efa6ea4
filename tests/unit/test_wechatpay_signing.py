"""WeChat Pay v3 signatures, pure: request Authorization, answer/callback verification, paySign."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import msgspec
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from integrations.payments.wechatpay import signing
from integrations.payments.wechatpay.errors import SignatureRejected

MERCHANT = rsa.generate_private_key(public_exponent=65537, key_size=2048)
PLATFORM = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER = rsa.generate_private_key(public_exponent=65537, key_size=2048)
SERIAL = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1"
KEYS = {SERIAL: PLATFORM.public_key()}
NOW = datetime(2025, 3, 1, 2, 0, tzinfo=UTC)
TS = int(NOW.timestamp())
BODY = b'{"code_url":"weixin://wxpay/bizpayurl?pr=abc","note":"\xe7\xa2\xb3"}'


def _rsa_verify(key: rsa.RSAPrivateKey, message: str, signature: str) -> None:
    key.public_key().verify(
        base64.b64decode(signature), message.encode(), padding.PKCS1v15(), hashes.SHA256()
    )


def test_request_message_is_the_documented_five_lines() -> None:
    message = signing.request_message("post", "/v3/pay/transactions/native", 1554208460, "N1", "{}")
    assert message == "POST\n/v3/pay/transactions/native\n1554208460\nN1\n{}\n"
    assert (
        signing.request_message("GET", "/v3/x?mchid=1", 1, "n", "")
        == "GET\n/v3/x?mchid=1\n1\nn\n\n"
    )


def test_authorization_header_is_signed_with_the_merchant_key() -> None:
    header = signing.authorization(
        mchid="1900000109",
        serial_no="MSERIAL",
        private_key=MERCHANT,
        method="GET",
        path="/v3/pay/transactions/out-trade-no/T1?mchid=1900000109",
        body="",
        timestamp=TS,
        nonce_str="593BEC0C930BF1AFEB40B4A08C8FB242",
    )
    assert header.startswith('WECHATPAY2-SHA256-RSA2048 mchid="1900000109",nonce_str="593BEC0C')
    params = signing.parse_authorization(header)
    assert params is not None
    assert params["serial_no"] == "MSERIAL" and params["timestamp"] == str(TS)
    path = "/v3/pay/transactions/out-trade-no/T1?mchid=1900000109"
    message = f"GET\n{path}\n{TS}\n{params['nonce_str']}\n\n"
    _rsa_verify(MERCHANT, message, params["signature"])  # raises if not
    assert signing.verify(MERCHANT.public_key(), message, params["signature"])
    assert not signing.verify(OTHER.public_key(), message, params["signature"])


@pytest.mark.parametrize(
    "value", ["", "Bearer x", 'WECHATPAY2-SHA256-RSA2048 mchid="1"', "WECHATPAY2-SHA256-RSA2048 x"]
)
def test_parse_authorization_refuses_other_headers(value: str) -> None:
    assert signing.parse_authorization(value) is None


def _headers(key: rsa.RSAPrivateKey = PLATFORM, *, serial: str = SERIAL, ts: int = TS) -> dict:
    return signing.signed_headers(key, serial, BODY, timestamp=ts, nonce_str="NONCE1")


def test_a_signed_answer_verifies_with_headers_in_any_case() -> None:
    headers = _headers()
    signing.verify_signed(headers, BODY, KEYS, NOW)
    signing.verify_signed({k.lower(): v for k, v in headers.items()}, BODY, KEYS, NOW)
    expected = f"{TS}\nNONCE1\n{BODY.decode()}\n"
    _rsa_verify(PLATFORM, expected, headers["Wechatpay-Signature"])


def test_a_forged_signature_is_refused() -> None:
    with pytest.raises(SignatureRejected) as caught:
        signing.verify_signed(_headers(OTHER), BODY, KEYS, NOW)
    assert caught.value.code == "bad_signature"


def test_a_changed_body_is_refused() -> None:
    with pytest.raises(SignatureRejected) as caught:
        signing.verify_signed(_headers(), BODY.replace(b"abc", b"abd"), KEYS, NOW)
    assert caught.value.code == "bad_signature"


def test_an_unknown_serial_is_refused() -> None:
    with pytest.raises(SignatureRejected) as caught:
        signing.verify_signed(_headers(serial="0" * 40), BODY, KEYS, NOW)
    assert caught.value.code == "unknown_serial"


@pytest.mark.parametrize("skew", [-301, 301, -3600])
def test_a_timestamp_more_than_five_minutes_away_is_refused(skew: int) -> None:
    with pytest.raises(SignatureRejected) as caught:
        signing.verify_signed(_headers(ts=TS + skew), BODY, KEYS, NOW)
    assert caught.value.code == "stale_timestamp"


@pytest.mark.parametrize("skew", [-300, 300, 0])
def test_a_timestamp_within_five_minutes_is_accepted(skew: int) -> None:
    signing.verify_signed(_headers(ts=TS + skew), BODY, KEYS, NOW)


@pytest.mark.parametrize("missing", ["Wechatpay-Serial", "Wechatpay-Signature", "Wechatpay-Nonce"])
def test_missing_signature_headers_are_refused(missing: str) -> None:
    headers = _headers()
    del headers[missing]
    with pytest.raises(SignatureRejected) as caught:
        signing.verify_signed(headers, BODY, KEYS, NOW)
    assert caught.value.code == "missing_signature_headers"


def test_another_signature_type_is_refused() -> None:
    headers = _headers() | {"Wechatpay-Signature-Type": "WECHATPAY2-SM2-WITH-SM3"}
    with pytest.raises(SignatureRejected) as caught:
        signing.verify_signed(headers, BODY, KEYS, NOW)
    assert caught.value.code == "bad_signature"


def test_stale_is_refused_even_with_a_good_signature_and_clock_is_the_callers() -> None:
    headers = _headers()
    later = NOW + timedelta(minutes=6)
    with pytest.raises(SignatureRejected):
        signing.verify_signed(headers, BODY, KEYS, later)


def test_pay_sign_verifies_with_the_merchant_public_key() -> None:
    params = signing.jsapi_pay_params(
        appid="wxd678efh567hg6787",
        prepay_id="wx201410272009395522657a690389285100",
        private_key=MERCHANT,
        timestamp=1414561699,
        nonce_str="5K8264ILTKCH16CQ2502SI8ZNMTM67VS",
    )
    assert params.package == "prepay_id=wx201410272009395522657a690389285100"
    assert params.sign_type == "RSA"
    message = (
        "wxd678efh567hg6787\n1414561699\n5K8264ILTKCH16CQ2502SI8ZNMTM67VS\n"
        "prepay_id=wx201410272009395522657a690389285100\n"
    )
    _rsa_verify(MERCHANT, message, params.pay_sign)
    assert not signing.verify(OTHER.public_key(), message, params.pay_sign)
    assert set(msgspec.to_builtins(params)) == {
        "appId",
        "timeStamp",
        "nonceStr",
        "package",
        "signType",
        "paySign",
    }
