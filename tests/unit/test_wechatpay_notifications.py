"""Callbacks, pure: AEAD_AES_256_GCM resources and parse_notification's refusals."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from integrations.payments.wechatpay import aead, signing
from integrations.payments.wechatpay.errors import (
    DecryptionFailed,
    MalformedMessage,
    SignatureRejected,
)
from integrations.payments.wechatpay.models import RefundNotice, Transaction
from integrations.payments.wechatpay.notifications import parse_notification

PLATFORM = rsa.generate_private_key(public_exponent=65537, key_size=2048)
SERIAL = "PLATFORM-SERIAL-1"
KEYS = {SERIAL: PLATFORM.public_key()}
API_V3_KEY = b"0123456789abcdef0123456789abcdef"
NOW = datetime(2025, 3, 1, 2, 0, tzinfo=UTC)

PAID = {
    "mchid": "1900000109",
    "appid": "wxd678efh567hg6787",
    "out_trade_no": "PH-0001",
    "transaction_id": "4200000000202503010000000001",
    "trade_type": "NATIVE",
    "trade_state": "SUCCESS",
    "trade_state_desc": "支付成功",
    "bank_type": "OTHERS",
    "success_time": "2025-03-01T10:00:00+08:00",
    "payer": {"openid": "o-1"},
    "amount": {"total": 12_000, "payer_total": 12_000, "currency": "CNY", "payer_currency": "CNY"},
}
REFUNDED = {
    "mchid": "1900000109",
    "out_trade_no": "PH-0001",
    "transaction_id": "4200000000202503010000000001",
    "out_refund_no": "RF-0001",
    "refund_id": "50300000000000000000000000001",
    "refund_status": "SUCCESS",
    "success_time": "2025-03-01T11:00:00+08:00",
    "user_received_account": "支付用户零钱",
    "amount": {"total": 12_000, "refund": 12_000, "payer_total": 12_000, "payer_refund": 12_000},
}


def _body(
    event_type: str,
    resource: dict,
    *,
    key: bytes = API_V3_KEY,
    associated_data: str = "transaction",
    event_id: str = "EV-1",
) -> bytes:
    nonce = "fdasflkja484"
    ciphertext = aead.encrypt(
        key, nonce=nonce, associated_data=associated_data, plaintext=json.dumps(resource).encode()
    )
    return json.dumps(
        {
            "id": event_id,
            "create_time": "2025-03-01T10:00:01+08:00",
            "resource_type": "encrypt-resource",
            "event_type": event_type,
            "summary": "支付成功",
            "resource": {
                "original_type": associated_data,
                "algorithm": "AEAD_AES_256_GCM",
                "ciphertext": ciphertext,
                "associated_data": associated_data,
                "nonce": nonce,
            },
        }
    ).encode()


def _signed(body: bytes, *, at: datetime = NOW, key: rsa.RSAPrivateKey = PLATFORM) -> dict:
    return signing.signed_headers(
        key, SERIAL, body, timestamp=int(at.timestamp()), nonce_str=signing.nonce()
    )


def test_aead_round_trip_and_refusals() -> None:
    ct = aead.encrypt(API_V3_KEY, nonce="n" * 12, associated_data="transaction", plaintext=b"hi")
    assert (
        aead.decrypt(API_V3_KEY, nonce="n" * 12, associated_data="transaction", ciphertext=ct)
        == b"hi"
    )
    for kwargs in (
        {"nonce": "m" * 12, "associated_data": "transaction", "ciphertext": ct},
        {"nonce": "n" * 12, "associated_data": "refund", "ciphertext": ct},
        {"nonce": "n" * 12, "associated_data": "transaction", "ciphertext": "!!not base64"},
    ):
        with pytest.raises(DecryptionFailed):
            aead.decrypt(API_V3_KEY, **kwargs)
    with pytest.raises(DecryptionFailed):
        aead.decrypt(b"f" * 32, nonce="n" * 12, associated_data="transaction", ciphertext=ct)
    with pytest.raises(ValueError, match="32 bytes"):
        aead.decrypt(b"short", nonce="n" * 12, associated_data="", ciphertext=ct)


def test_a_paid_callback_is_verified_decrypted_and_typed() -> None:
    body = _body("TRANSACTION.SUCCESS", PAID)
    notification = parse_notification(_signed(body), body, KEYS, API_V3_KEY, NOW)
    assert notification.event_id == "EV-1"
    assert notification.event_type == "TRANSACTION.SUCCESS"
    resource = notification.resource
    assert isinstance(resource, Transaction)
    assert resource.out_trade_no == "PH-0001" and resource.trade_state == "SUCCESS"
    assert resource.amount is not None and resource.amount.total == 12_000
    assert resource.payer is not None and resource.payer.openid == "o-1"


def test_a_refund_callback_is_typed() -> None:
    body = _body("REFUND.SUCCESS", REFUNDED, associated_data="refund", event_id="EV-2")
    notification = parse_notification(_signed(body), body, KEYS, API_V3_KEY, NOW)
    assert isinstance(notification.resource, RefundNotice)
    assert notification.resource.amount.refund == 12_000
    assert notification.resource.refund_status == "SUCCESS"


def test_a_tampered_ciphertext_is_refused_even_when_signed() -> None:
    envelope = json.loads(_body("TRANSACTION.SUCCESS", PAID))
    ct = envelope["resource"]["ciphertext"]
    envelope["resource"]["ciphertext"] = ("A" if ct[0] != "A" else "B") + ct[1:]
    body = json.dumps(envelope).encode()
    with pytest.raises(DecryptionFailed) as caught:
        parse_notification(_signed(body), body, KEYS, API_V3_KEY, NOW)
    assert caught.value.code == "decryption_failed"


def test_a_wrong_api_v3_key_is_refused() -> None:
    body = _body("TRANSACTION.SUCCESS", PAID, key=b"x" * 32)
    with pytest.raises(DecryptionFailed):
        parse_notification(_signed(body), body, KEYS, API_V3_KEY, NOW)


def test_wrong_associated_data_is_refused() -> None:
    envelope = json.loads(_body("TRANSACTION.SUCCESS", PAID))
    envelope["resource"]["associated_data"] = "refund"
    body = json.dumps(envelope).encode()
    with pytest.raises(DecryptionFailed):
        parse_notification(_signed(body), body, KEYS, API_V3_KEY, NOW)


def test_a_forged_callback_is_refused_before_decryption() -> None:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    body = _body("TRANSACTION.SUCCESS", PAID)
    with pytest.raises(SignatureRejected) as caught:
        parse_notification(_signed(body, key=other), body, KEYS, API_V3_KEY, NOW)
    assert caught.value.code == "bad_signature"


def test_a_replayed_callback_with_a_stale_timestamp_is_refused() -> None:
    body = _body("TRANSACTION.SUCCESS", PAID)
    headers = _signed(body, at=NOW - timedelta(minutes=5, seconds=1))
    with pytest.raises(SignatureRejected) as caught:
        parse_notification(headers, body, KEYS, API_V3_KEY, NOW)
    assert caught.value.code == "stale_timestamp"


def test_an_unknown_serial_is_refused() -> None:
    body = _body("TRANSACTION.SUCCESS", PAID)
    headers = _signed(body) | {"Wechatpay-Serial": "NOT-OURS"}
    with pytest.raises(SignatureRejected) as caught:
        parse_notification(headers, body, KEYS, API_V3_KEY, NOW)
    assert caught.value.code == "unknown_serial"


def test_a_duplicate_delivery_parses_to_the_same_notification() -> None:
    body = _body("TRANSACTION.SUCCESS", PAID)
    first = parse_notification(_signed(body), body, KEYS, API_V3_KEY, NOW)
    again = parse_notification(
        _signed(body, at=NOW + timedelta(seconds=15)),
        body,
        KEYS,
        API_V3_KEY,
        NOW + timedelta(seconds=15),
    )
    assert again == first  # same event id: the caller's idempotency key


def test_out_of_order_callbacks_parse_the_same_as_in_order() -> None:
    paid = _body("TRANSACTION.SUCCESS", PAID, event_id="EV-PAID")
    refunded = _body("REFUND.SUCCESS", REFUNDED, associated_data="refund", event_id="EV-REFUND")
    in_order = [parse_notification(_signed(b), b, KEYS, API_V3_KEY, NOW) for b in (paid, refunded)]
    reversed_ = [parse_notification(_signed(b), b, KEYS, API_V3_KEY, NOW) for b in (refunded, paid)]
    assert reversed_ == list(reversed(in_order))


def test_unknown_events_and_garbage_are_malformed() -> None:
    body = _body("MARKETING.SUCCESS", PAID)
    with pytest.raises(MalformedMessage):
        parse_notification(_signed(body), body, KEYS, API_V3_KEY, NOW)
    garbage = b'{"hello": "world"}'
    with pytest.raises(MalformedMessage):
        parse_notification(_signed(garbage), garbage, KEYS, API_V3_KEY, NOW)
    wrong_shape = _body("TRANSACTION.SUCCESS", {"out_trade_no": "x"})
    with pytest.raises(MalformedMessage):
        parse_notification(_signed(wrong_shape), wrong_shape, KEYS, API_V3_KEY, NOW)
