"""WeChatPayGateway (the market's PaymentGateway) against FakeWeChatPay over real HTTP: every
state and refund mapping, every error path, and callbacks verified, or refused as forged."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from domain.errors import InvalidInput, Unauthenticated, UpstreamUnavailable
from domain.market.payments import (
    ForgedNotice,
    PaymentNotice,
    PaymentRefused,
    PaymentStatus,
    RefundNotice,
)
from integrations.payments.wechatpay import fake_documents as documents
from integrations.payments.wechatpay import signing
from integrations.payments.wechatpay.fake import FakeWeChatPay, new_key
from integrations.payments.wechatpay.gateway import WeChatPayGateway
from tests.payments import gateway_for

PUBLIC = "https://puhui.example/"
EXPIRES = datetime(2030, 1, 1, 4, 30, tzinfo=UTC)


@pytest.fixture
async def gateway(wechatpay: FakeWeChatPay) -> AsyncIterator[WeChatPayGateway]:
    gw = gateway_for(wechatpay, PUBLIC)
    yield gw
    await gw.aclose()


async def _native(gw: WeChatPayGateway, no: str, fen: int = 12_000) -> str | None:
    prepared = await gw.prepare(
        order_no=no, channel="native", description="减排量 1 t", amount_fen=fen, expires_at=EXPIRES
    )
    return prepared.code_url


async def _paid(gw: WeChatPayGateway, fake: FakeWeChatPay, no: str, fen: int = 12_000) -> None:
    await _native(gw, no, fen)
    fake.pay(no, notify=False)


# -- prepare --------------------------------------------------------------------------------------


async def test_native_order_gives_a_code_url_expiring_and_calling_back_to_us(
    wechatpay: FakeWeChatPay, gateway: WeChatPayGateway
) -> None:
    code_url = await _native(gateway, "PH-N1")
    assert code_url is not None and code_url.startswith("weixin://wxpay/bizpayurl?pr=")
    order = wechatpay.orders["PH-N1"]
    assert order.trade_type == "NATIVE" and order.total_fen == 12_000
    assert order.notify_url == "https://puhui.example/v1/payments/wechatpay/notify"
    assert order.request["time_expire"] == "2030-01-01T04:30:00+00:00"
    assert datetime.fromisoformat(order.request["time_expire"]) == EXPIRES
    assert gateway.refund_notify_url == "https://puhui.example/v1/payments/wechatpay/refund-notify"
    assert await _native(gateway, "PH-N1") == code_url  # deduplicated on the order number


async def test_jsapi_order_gives_request_payment_params_as_strings(
    wechatpay: FakeWeChatPay, gateway: WeChatPayGateway
) -> None:
    prepared = await gateway.prepare(
        order_no="PH-J1",
        channel="jsapi",
        description="个人碳中和 1 t",
        amount_fen=9_900,
        expires_at=EXPIRES,
        payer_openid="o-buyer",
    )
    assert prepared.code_url is None and prepared.jsapi is not None
    params = prepared.jsapi
    assert set(params) == {"appId", "timeStamp", "nonceStr", "package", "signType", "paySign"}
    assert all(isinstance(value, str) for value in params.values())
    assert params["appId"] == wechatpay.appid and params["signType"] == "RSA"
    assert params["package"] == f"prepay_id={wechatpay.orders['PH-J1'].prepay['prepay_id']}"
    message = (
        f"{params['appId']}\n{params['timeStamp']}\n{params['nonceStr']}\n{params['package']}\n"
    )
    assert signing.verify(wechatpay.merchant_key.public_key(), message, params["paySign"])
    assert wechatpay.orders["PH-J1"].request["payer"] == {"openid": "o-buyer"}


async def test_jsapi_without_openid_is_refused_before_any_call(
    wechatpay: FakeWeChatPay, gateway: WeChatPayGateway
) -> None:
    with pytest.raises(InvalidInput) as caught:
        await gateway.prepare(
            order_no="PH-J2",
            channel="jsapi",
            description="x",
            amount_fen=100,
            expires_at=EXPIRES,
        )
    assert caught.value.code == "payer_openid_required"
    assert wechatpay.requests == []


async def test_prepare_refusals_carry_wechat_pays_code(
    wechatpay: FakeWeChatPay, gateway: WeChatPayGateway
) -> None:
    await _native(gateway, "PH-R1", 100)
    with pytest.raises(PaymentRefused) as changed:  # same number, other amount
        await _native(gateway, "PH-R1", 200)
    assert changed.value.code == "payment_refused"
    assert changed.value.extra["wechat_code"] == "INVALID_REQUEST"
    assert "INVALID_REQUEST" in changed.value.detail
    wechatpay.pay("PH-R1", notify=False)
    with pytest.raises(PaymentRefused) as paid:
        await _native(gateway, "PH-R1", 100)
    assert paid.value.extra["wechat_code"] == "ORDERPAID"


# -- status ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("trade_state", "state"),
    [
        ("NOTPAY", "unpaid"),
        ("USERPAYING", "unpaid"),
        ("CLOSED", "closed"),
        ("REVOKED", "closed"),
        ("PAYERROR", "failed"),
    ],
)
async def test_unpaid_states(
    wechatpay: FakeWeChatPay, gateway: WeChatPayGateway, trade_state: str, state: str
) -> None:
    await _native(gateway, "PH-S1")
    wechatpay.orders["PH-S1"].trade_state = trade_state
    assert await gateway.status("PH-S1") == PaymentStatus(order_no="PH-S1", state=state)


async def test_failed_payment_is_failed(
    wechatpay: FakeWeChatPay, gateway: WeChatPayGateway
) -> None:
    await _native(gateway, "PH-S2")
    wechatpay.fail("PH-S2")
    assert (await gateway.status("PH-S2")).state == "failed"


async def test_paid_order_has_transaction_amount_and_aware_utc_time(
    wechatpay: FakeWeChatPay, gateway: WeChatPayGateway
) -> None:
    await _paid(gateway, wechatpay, "PH-S3", 12_345)
    order = wechatpay.orders["PH-S3"]
    status = await gateway.status("PH-S3")
    assert status.state == "paid"
    assert status.transaction_id == order.transaction_id
    assert status.amount_fen == 12_345
    assert order.success_time is not None
    assert status.paid_at == order.success_time.replace(microsecond=0)
    assert status.paid_at is not None and status.paid_at.utcoffset() == timedelta(0)


async def test_refunded_order_is_refunded_and_still_says_what_was_paid(
    wechatpay: FakeWeChatPay, gateway: WeChatPayGateway
) -> None:
    await _paid(gateway, wechatpay, "PH-S4")
    await gateway.refund(
        order_no="PH-S4", refund_no="RF-S4", amount_fen=100, total_fen=12_000, reason="x"
    )
    status = await gateway.status("PH-S4")
    assert (status.state, status.amount_fen) == ("refunded", 12_000)
    assert status.transaction_id == wechatpay.orders["PH-S4"].transaction_id


async def test_an_order_wechat_pay_never_had_is_closed(gateway: WeChatPayGateway) -> None:
    assert await gateway.status("PH-NONE") == PaymentStatus(order_no="PH-NONE", state="closed")


async def test_an_unknown_trade_state_is_not_guessed(
    wechatpay: FakeWeChatPay, gateway: WeChatPayGateway
) -> None:
    await _native(gateway, "PH-S5")
    wechatpay.orders["PH-S5"].trade_state = "SOMETHING_NEW"
    with pytest.raises(UpstreamUnavailable) as caught:
        await gateway.status("PH-S5")
    assert caught.value.code == "payment_unavailable"


# -- close ----------------------------------------------------------------------------------------


async def test_close_unpaid_then_again_and_unknown_orders(
    wechatpay: FakeWeChatPay, gateway: WeChatPayGateway
) -> None:
    await _native(gateway, "PH-C1")
    await gateway.close("PH-C1")
    assert wechatpay.orders["PH-C1"].trade_state == "CLOSED"
    await gateway.close("PH-C1")  # again: harmless
    await gateway.close("PH-NEVER")  # WeChat Pay never had it: nothing to close
    assert (await gateway.status("PH-C1")).state == "closed"


async def test_closing_a_paid_order_says_order_paid(
    wechatpay: FakeWeChatPay, gateway: WeChatPayGateway
) -> None:
    await _paid(gateway, wechatpay, "PH-C2")
    with pytest.raises(PaymentRefused) as caught:
        await gateway.close("PH-C2")
    assert caught.value.code == "order_paid"
    assert caught.value.extra["wechat_code"] == "ORDERPAID"
    assert wechatpay.orders["PH-C2"].trade_state == "SUCCESS"


# -- refunds --------------------------------------------------------------------------------------


async def test_refund_is_processing_then_succeeded_with_our_refund_notify_url(
    wechatpay: FakeWeChatPay, gateway: WeChatPayGateway
) -> None:
    await _paid(gateway, wechatpay, "PH-F1")
    kwargs: dict[str, Any] = {
        "order_no": "PH-F1",
        "refund_no": "RF-F1",
        "amount_fen": 2_000,
        "total_fen": 12_000,
        "reason": "买方撤单",
    }
    assert await gateway.refund(**kwargs) == "processing"
    refund = wechatpay.refunds["RF-F1"]
    assert refund.notify_url == gateway.refund_notify_url
    assert refund.refund_fen == 2_000 and refund.request["reason"] == "买方撤单"
    assert await gateway.refund(**kwargs) == "processing"  # deduplicated on the refund number
    wechatpay.complete_refund("RF-F1", notify=False)
    assert await gateway.refund(**kwargs) == "succeeded"


@pytest.mark.parametrize("status", ["ABNORMAL", "CLOSED"])
async def test_abnormal_or_closed_refund_failed(
    wechatpay: FakeWeChatPay, gateway: WeChatPayGateway, status: str
) -> None:
    await _paid(gateway, wechatpay, "PH-F2")
    args: dict[str, Any] = {"order_no": "PH-F2", "refund_no": "RF-F2", "amount_fen": 1}
    assert await gateway.refund(**args, total_fen=12_000, reason="") == "processing"
    assert "reason" not in wechatpay.refunds["RF-F2"].request  # empty: not sent
    wechatpay.refunds["RF-F2"].status = status
    assert await gateway.refund(**args, total_fen=12_000, reason="") == "failed"


async def test_a_long_reason_is_cut_to_wechat_pays_80_characters(
    wechatpay: FakeWeChatPay, gateway: WeChatPayGateway
) -> None:
    await _paid(gateway, wechatpay, "PH-F3")
    await gateway.refund(
        order_no="PH-F3", refund_no="RF-F3", amount_fen=1, total_fen=12_000, reason="退" * 100
    )
    assert wechatpay.refunds["RF-F3"].request["reason"] == "退" * 80


async def test_refund_refusals(wechatpay: FakeWeChatPay, gateway: WeChatPayGateway) -> None:
    await _native(gateway, "PH-F4")
    with pytest.raises(PaymentRefused) as unpaid:
        await gateway.refund(
            order_no="PH-F4", refund_no="RF-F4", amount_fen=1, total_fen=12_000, reason="x"
        )
    assert unpaid.value.extra["wechat_code"] == "RESOURCE_NOT_EXISTS"
    wechatpay.pay("PH-F4", notify=False)
    await gateway.refund(
        order_no="PH-F4", refund_no="RF-F4a", amount_fen=12_000, total_fen=12_000, reason="x"
    )
    with pytest.raises(PaymentRefused) as too_much:
        await gateway.refund(
            order_no="PH-F4", refund_no="RF-F4b", amount_fen=1, total_fen=12_000, reason="x"
        )
    assert too_much.value.extra["wechat_code"] == "INVALID_REQUEST"


# -- outages and answers we cannot trust --------------------------------------------------------


@pytest.mark.parametrize(("status", "code"), [(500, "SYSTEM_ERROR"), (429, "FREQUENCY_LIMITED")])
async def test_persistent_5xx_or_429_is_unavailable(
    wechatpay: FakeWeChatPay, gateway: WeChatPayGateway, status: int, code: str
) -> None:
    wechatpay.fail_next(status, code, times=3)  # the first try and both retries
    with pytest.raises(UpstreamUnavailable) as caught:
        await _native(gateway, "PH-E1")
    assert caught.value.code == "payment_unavailable"
    assert "PH-E1" not in wechatpay.orders


async def test_a_transient_failure_or_lost_answer_is_retried(
    wechatpay: FakeWeChatPay, gateway: WeChatPayGateway
) -> None:
    wechatpay.fail_next(503)
    assert await _native(gateway, "PH-E2") is not None
    wechatpay.drop_next()  # the close is done, its answer lost; the retry finds it closed
    await gateway.close("PH-E2")
    assert wechatpay.orders["PH-E2"].trade_state == "CLOSED"


@pytest.mark.parametrize("method", ["prepare", "status", "close", "refund"])
async def test_a_4xx_is_refused_with_its_code(
    wechatpay: FakeWeChatPay, gateway: WeChatPayGateway, method: str
) -> None:
    wechatpay.fail_next(403, "NO_AUTH")
    with pytest.raises(PaymentRefused) as caught:
        if method == "prepare":
            await _native(gateway, "PH-E3")
        elif method == "status":
            await gateway.status("PH-E3")
        elif method == "close":
            await gateway.close("PH-E3")
        else:
            await gateway.refund(
                order_no="PH-E3", refund_no="RF-E3", amount_fen=1, total_fen=1, reason="x"
            )
    assert caught.value.code == "payment_refused"
    assert caught.value.extra["wechat_code"] == "NO_AUTH"


async def test_nobody_listening_is_unavailable(wechatpay: FakeWeChatPay) -> None:
    gw = gateway_for(wechatpay, PUBLIC)
    wechatpay.stop()
    try:
        for call in (lambda: _native(gw, "PH-E4"), lambda: gw.status("PH-E4")):
            with pytest.raises(UpstreamUnavailable) as caught:
                await call()
            assert caught.value.code == "payment_unavailable"
    finally:
        await gw.aclose()


async def test_an_answer_signed_by_another_key_is_not_trusted(wechatpay: FakeWeChatPay) -> None:
    config = wechatpay.merchant_config()
    impostor = {wechatpay.platform_serial: new_key().public_key()}
    gw = WeChatPayGateway.connect(
        type(config)(
            mchid=config.mchid,
            appid=config.appid,
            serial_no=config.serial_no,
            private_key=config.private_key,
            platform_keys=impostor,
        ),
        api_v3_key=wechatpay.api_v3_key,
        notify_url="https://puhui.example/n",
        refund_notify_url="https://puhui.example/r",
        base_url=wechatpay.base_url,
        backoff=0,
    )
    try:
        with pytest.raises(UpstreamUnavailable) as caught:
            await gw.status("PH-E5")
        assert caught.value.code == "payment_unavailable"
    finally:
        await gw.aclose()


def test_connect_refuses_an_api_v3_key_of_the_wrong_length(wechatpay: FakeWeChatPay) -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        WeChatPayGateway.connect(
            wechatpay.merchant_config(),
            api_v3_key=b"short",
            notify_url="https://x/n",
            refund_notify_url="https://x/r",
        )


async def test_aclose_closes_the_client(wechatpay: FakeWeChatPay) -> None:
    gw = gateway_for(wechatpay, PUBLIC)
    await gw.aclose()
    assert gw._client._http.is_closed


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
