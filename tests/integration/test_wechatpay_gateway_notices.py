"""WeChatPayGateway's callbacks against FakeWeChatPay's: verified notices in the market's terms,
and every forged, stale or tampered one refused as ForgedNotice."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from domain.errors import Unauthenticated
from domain.market.payments import (
    ForgedNotice,
    PaymentNotice,
    RefundNotice,
)
from integrations.payments.wechatpay import fake_documents as documents
from integrations.payments.wechatpay import signing
from integrations.payments.wechatpay.fake import FakeWeChatPay, new_key
from integrations.payments.wechatpay.gateway import WeChatPayGateway
from tests.wechatpay_gateway_world import _native, _paid

# -- callbacks ------------------------------------------------------------------------------------


def _now() -> datetime:
    return datetime.now(UTC)


def _body(
    fake: FakeWeChatPay,
    event_type: str,
    resource: dict[str, Any],
    original_type: str = "transaction",
    *,
    api_v3_key: bytes | None = None,
) -> bytes:
    envelope = documents.notification(
        event_type,
        "summary",
        original_type,
        resource,
        api_v3_key=api_v3_key or fake.api_v3_key,
        clock=fake.clock,
    )
    return json.dumps(envelope).encode()


async def test_transaction_success_is_a_payment_notice(
    wechatpay: FakeWeChatPay, gateway: WeChatPayGateway
) -> None:
    await _native(gateway, "PH-T1", 8_800)
    sent = wechatpay.pay("PH-T1", notify=False)
    order = wechatpay.orders["PH-T1"]
    assert order.transaction_id is not None and order.success_time is not None
    headers = wechatpay.sign_headers(sent.body)
    notice = gateway.read_notice(headers, sent.body, _now())
    assert notice == PaymentNotice(
        event_id=sent.event_id,
        order_no="PH-T1",
        transaction_id=order.transaction_id,
        amount_fen=8_800,
        paid_at=order.success_time.replace(microsecond=0),
    )
    lower = {name.lower(): value for name, value in headers.items()}  # any header case
    assert gateway.read_notice(lower, sent.body, _now()) == notice


async def test_refund_success_is_a_succeeded_refund_notice(
    wechatpay: FakeWeChatPay, gateway: WeChatPayGateway
) -> None:
    await _paid(gateway, wechatpay, "PH-T2")
    await gateway.refund(
        order_no="PH-T2", refund_no="RF-T2", amount_fen=500, total_fen=12_000, reason="x"
    )
    sent = wechatpay.complete_refund("RF-T2", notify=False)
    assert sent is not None and sent.url == gateway.refund_notify_url
    notice = gateway.read_notice(wechatpay.sign_headers(sent.body), sent.body, _now())
    success = wechatpay.refunds["RF-T2"].success_time
    assert success is not None
    assert notice == RefundNotice(
        event_id=sent.event_id,
        order_no="PH-T2",
        refund_no="RF-T2",
        state="succeeded",
        amount_fen=500,
        refunded_at=success.replace(microsecond=0),
    )


@pytest.mark.parametrize("event_type", ["REFUND.ABNORMAL", "REFUND.CLOSED"])
async def test_abnormal_or_closed_refund_is_a_failed_refund_notice(
    wechatpay: FakeWeChatPay, gateway: WeChatPayGateway, event_type: str
) -> None:
    await _paid(gateway, wechatpay, "PH-T3")
    await gateway.refund(
        order_no="PH-T3", refund_no="RF-T3", amount_fen=500, total_fen=12_000, reason="x"
    )
    refund = wechatpay.refunds["RF-T3"]
    refund.status = event_type.partition(".")[2]
    resource = documents.refund_notice(refund, mchid=wechatpay.mchid, clock=wechatpay.clock)
    body = _body(wechatpay, event_type, resource, "refund")
    notice = gateway.read_notice(wechatpay.sign_headers(body), body, _now())
    assert isinstance(notice, RefundNotice)
    assert (notice.order_no, notice.refund_no, notice.state) == ("PH-T3", "RF-T3", "failed")
    assert (notice.amount_fen, notice.refunded_at) == (500, None)


@pytest.mark.parametrize(
    ("event_type", "resource"),
    [
        ("PROFITSHARING.SUCCESS", {"sp_mchid": "1", "order_id": "x"}),
        ("TRANSACTION.SOMETHING", None),  # a transaction event the market does not use
        ("REFUND.SOMETHING", None),
    ],
)
async def test_other_verified_events_are_none(
    wechatpay: FakeWeChatPay,
    gateway: WeChatPayGateway,
    event_type: str,
    resource: dict[str, Any] | None,
) -> None:
    if resource is None:
        await _paid(gateway, wechatpay, "PH-T4")
        order = wechatpay.orders["PH-T4"]
        resource = documents.transaction(order, appid=wechatpay.appid, mchid=wechatpay.mchid)
        if event_type.startswith("REFUND."):
            await gateway.refund(
                order_no="PH-T4", refund_no="RF-T4", amount_fen=1, total_fen=12_000, reason="x"
            )
            resource = documents.refund_notice(
                wechatpay.refunds["RF-T4"], mchid=wechatpay.mchid, clock=wechatpay.clock
            )
    body = _body(wechatpay, event_type, resource)
    assert gateway.read_notice(wechatpay.sign_headers(body), body, _now()) is None


# forged callbacks: each refused, with the reason WeChat Pay's verification gave


async def _paid_body(gw: WeChatPayGateway, fake: FakeWeChatPay) -> bytes:
    await _native(gw, "PH-X1")
    return fake.pay("PH-X1", notify=False).body


def _refused(gw: WeChatPayGateway, headers: dict[str, str], body: bytes, now: datetime) -> str:
    with pytest.raises(ForgedNotice) as caught:
        gw.read_notice(headers, body, now)
    assert isinstance(caught.value, Unauthenticated)
    assert caught.value.code == "invalid_notification"
    return str(caught.value.extra["reason"])


async def test_a_signature_over_another_body_is_refused(
    wechatpay: FakeWeChatPay, gateway: WeChatPayGateway
) -> None:
    body = await _paid_body(gateway, wechatpay)
    headers = wechatpay.sign_headers(body.replace(b"TRANSACTION", b"TRANSACTIOM"))
    assert _refused(gateway, headers, body, _now()) == "bad_signature"


async def test_a_signature_by_another_key_is_refused(
    wechatpay: FakeWeChatPay, gateway: WeChatPayGateway
) -> None:
    body = await _paid_body(gateway, wechatpay)
    headers = signing.signed_headers(
        new_key(),
        wechatpay.platform_serial,
        body,
        timestamp=int(_now().timestamp()),
        nonce_str=signing.nonce(),
    )
    assert _refused(gateway, headers, body, _now()) == "bad_signature"


async def test_an_unknown_serial_is_refused(
    wechatpay: FakeWeChatPay, gateway: WeChatPayGateway
) -> None:
    body = await _paid_body(gateway, wechatpay)
    headers = wechatpay.sign_headers(body)
    headers[signing.HEADER_SERIAL] = "0" * 40
    assert _refused(gateway, headers, body, _now()) == "unknown_serial"


@pytest.mark.parametrize("skew", [-301, 301])
async def test_a_stale_or_future_timestamp_is_refused(
    wechatpay: FakeWeChatPay, gateway: WeChatPayGateway, skew: int
) -> None:
    body = await _paid_body(gateway, wechatpay)
    headers = wechatpay.sign_headers(body, int(_now().timestamp()) + skew)
    assert _refused(gateway, headers, body, _now()) == "stale_timestamp"
    later = _now() + timedelta(seconds=600)  # a good callback, replayed ten minutes later
    fresh = wechatpay.sign_headers(body)
    assert _refused(gateway, fresh, body, later) == "stale_timestamp"


async def test_missing_signature_headers_are_refused(
    wechatpay: FakeWeChatPay, gateway: WeChatPayGateway
) -> None:
    body = await _paid_body(gateway, wechatpay)
    headers = wechatpay.sign_headers(body)
    del headers[signing.HEADER_SIGNATURE]
    assert _refused(gateway, headers, body, _now()) == "missing_signature_headers"
    assert _refused(gateway, {}, body, _now()) == "missing_signature_headers"


async def test_a_tampered_ciphertext_is_refused_even_when_signed(
    wechatpay: FakeWeChatPay, gateway: WeChatPayGateway
) -> None:
    envelope = json.loads(await _paid_body(gateway, wechatpay))
    raw = bytearray(base64.b64decode(envelope["resource"]["ciphertext"]))
    raw[5] ^= 0x01
    envelope["resource"]["ciphertext"] = base64.b64encode(bytes(raw)).decode()
    body = json.dumps(envelope).encode()
    assert _refused(gateway, wechatpay.sign_headers(body), body, _now()) == "decryption_failed"


async def test_a_resource_under_another_api_v3_key_is_refused(
    wechatpay: FakeWeChatPay, gateway: WeChatPayGateway
) -> None:
    await _paid(gateway, wechatpay, "PH-X2")
    order = wechatpay.orders["PH-X2"]
    resource = documents.transaction(order, appid=wechatpay.appid, mchid=wechatpay.mchid)
    body = _body(wechatpay, "TRANSACTION.SUCCESS", resource, api_v3_key=b"k" * 32)
    assert _refused(gateway, wechatpay.sign_headers(body), body, _now()) == "decryption_failed"


@pytest.mark.parametrize(
    "body",
    [b"not json at all", b"{}", b'{"id": "EV-1", "event_type": "TRANSACTION.SUCCESS"}', b"[1]"],
)
async def test_a_signed_body_that_is_not_a_notification_is_refused(
    wechatpay: FakeWeChatPay, gateway: WeChatPayGateway, body: bytes
) -> None:
    assert _refused(gateway, wechatpay.sign_headers(body), body, _now()) == "malformed_message"


@pytest.mark.parametrize(
    ("event_type", "resource"),
    [
        ("TRANSACTION.SUCCESS", {"what": "not a transaction"}),
        ("TRANSACTION.SUCCESS", {"mchid": "1900000109", "out_trade_no": "x", "trade_state": "OK"}),
        (
            "TRANSACTION.SUCCESS",
            {"mchid": "1900000109", "out_trade_no": "x", "trade_state": "NOTPAY"},
        ),
        ("REFUND.SUCCESS", {"mchid": "1900000109", "out_trade_no": "x"}),
    ],
)
async def test_a_resource_that_is_not_what_its_event_says_is_refused(
    wechatpay: FakeWeChatPay,
    gateway: WeChatPayGateway,
    event_type: str,
    resource: dict[str, Any],
) -> None:
    body = _body(wechatpay, event_type, resource)
    assert _refused(gateway, wechatpay.sign_headers(body), body, _now()) == "malformed_message"


async def test_a_paid_notice_without_its_time_is_refused(
    wechatpay: FakeWeChatPay, gateway: WeChatPayGateway
) -> None:
    await _paid(gateway, wechatpay, "PH-X3")
    order = wechatpay.orders["PH-X3"]
    resource = documents.transaction(order, appid=wechatpay.appid, mchid=wechatpay.mchid)
    resource["success_time"] = "yesterday"
    body = _body(wechatpay, "TRANSACTION.SUCCESS", resource)
    assert _refused(gateway, wechatpay.sign_headers(body), body, _now()) == "malformed_message"


async def test_a_notice_for_another_merchant_is_refused(
    wechatpay: FakeWeChatPay, gateway: WeChatPayGateway
) -> None:
    await _paid(gateway, wechatpay, "PH-X4")
    order = wechatpay.orders["PH-X4"]
    resource = documents.transaction(order, appid=wechatpay.appid, mchid="1999999999")
    body = _body(wechatpay, "TRANSACTION.SUCCESS", resource)
    assert _refused(gateway, wechatpay.sign_headers(body), body, _now()) == "malformed_message"


async def test_other_events_are_verified_too(
    wechatpay: FakeWeChatPay, gateway: WeChatPayGateway
) -> None:
    body = _body(wechatpay, "PROFITSHARING.SUCCESS", {"order_id": "x"})
    stale = wechatpay.sign_headers(body, int(_now().timestamp()) - 400)
    assert _refused(gateway, stale, body, _now()) == "stale_timestamp"
    other_key = _body(wechatpay, "PROFITSHARING.SUCCESS", {"x": 1}, api_v3_key=b"k" * 32)
    headers = wechatpay.sign_headers(other_key)
    assert _refused(gateway, headers, other_key, _now()) == "decryption_failed"
