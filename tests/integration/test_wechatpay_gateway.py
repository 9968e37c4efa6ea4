"""WeChatPayGateway (the market's PaymentGateway) against FakeWeChatPay over real HTTP: every
state and refund mapping and every error path of its calls (its callbacks:
test_wechatpay_gateway_notices.py). The fixture `gateway`: tests/wechatpay_gateway_world.py."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from domain.errors import InvalidInput, UpstreamUnavailable
from domain.market.payments import (
    PaymentRefused,
    PaymentStatus,
)
from integrations.payments.wechatpay import signing
from integrations.payments.wechatpay.fake import FakeWeChatPay, new_key
from integrations.payments.wechatpay.gateway import WeChatPayGateway
from tests.payments import gateway_for
from tests.wechatpay_gateway_world import EXPIRES, PUBLIC, _native, _paid

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
