"""WeChatPayClient against FakeWeChatPay over real HTTP: signing both ways, orders, query, close,
retries, and callbacks delivered to a local receiver (duplicates, disorder, replays)."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from integrations.payments.wechatpay import (
    ApiError,
    PaymentUnavailable,
    SignatureRejected,
    Transaction,
    WeChatPayClient,
    signing,
)
from integrations.payments.wechatpay.fake import FakeWeChatPay, new_key
from tests.integration.wechatpay_receiver import Receiver

MERCHANT_KEY = new_key()
PLATFORM_KEY = new_key()


@pytest.fixture
def fake() -> Iterator[FakeWeChatPay]:
    with FakeWeChatPay(merchant_key=MERCHANT_KEY, platform_key=PLATFORM_KEY) as server:
        yield server


@pytest.fixture
def receiver(fake: FakeWeChatPay) -> Iterator[Receiver]:
    with Receiver(fake) as r:
        yield r


@pytest.fixture
async def client(fake: FakeWeChatPay) -> AsyncIterator[WeChatPayClient]:
    async with WeChatPayClient(
        fake.merchant_config(), base_url=fake.base_url, backoff=0, timeout=5.0
    ) as c:
        yield c


async def _native(client: WeChatPayClient, receiver: Receiver, no: str, fen: int = 12_000) -> str:
    return await client.create_native_order(
        out_trade_no=no, description="减排量 1 t", amount_fen=fen, notify_url=receiver.url
    )


async def test_native_order_query_pay_and_callback(
    fake: FakeWeChatPay, client: WeChatPayClient, receiver: Receiver
) -> None:
    code_url = await _native(client, receiver, "PH-N1")
    assert code_url.startswith("weixin://wxpay/bizpayurl?pr=")
    unpaid = await client.query_order("PH-N1")
    assert unpaid.trade_state == "NOTPAY" and unpaid.transaction_id is None
    assert unpaid.amount is not None and unpaid.amount.total == 12_000

    sent = fake.pay("PH-N1", openid="o-buyer")

    [notification] = receiver.received
    assert notification.event_id == sent.event_id
    assert notification.event_type == "TRANSACTION.SUCCESS"
    paid = await client.query_order("PH-N1")
    assert paid.trade_state == "SUCCESS" and paid.payer is not None
    assert paid.payer.openid == "o-buyer"
    assert notification.resource == paid  # the callback says what the query says
    assert [d.status for d in fake.deliveries] == [204]


async def test_jsapi_order_gives_pay_params_signed_by_the_merchant(
    fake: FakeWeChatPay, client: WeChatPayClient, receiver: Receiver
) -> None:
    order = await client.create_jsapi_order(
        out_trade_no="PH-J1",
        description="个人碳中和 1 t",
        amount_fen=8_800,
        notify_url=receiver.url,
        payer_openid="o-citizen",
        time_expire=datetime.now(UTC) + timedelta(minutes=15),
    )
    assert order.prepay_id.startswith("wx")
    params = order.pay_params
    assert params.app_id == fake.appid and params.package == f"prepay_id={order.prepay_id}"
    message = f"{params.app_id}\n{params.time_stamp}\n{params.nonce_str}\n{params.package}\n"
    assert signing.verify(MERCHANT_KEY.public_key(), message, params.pay_sign)
    assert fake.orders["PH-J1"].request["payer"] == {"openid": "o-citizen"}
    assert fake.orders["PH-J1"].request["time_expire"].endswith("+00:00")


async def test_the_same_order_again_gets_the_same_answer_other_parameters_are_refused(
    fake: FakeWeChatPay, client: WeChatPayClient, receiver: Receiver
) -> None:
    first = await _native(client, receiver, "PH-D1")
    assert await _native(client, receiver, "PH-D1") == first
    with pytest.raises(ApiError) as caught:
        await _native(client, receiver, "PH-D1", fen=1)
    assert caught.value.wechat_code == "INVALID_REQUEST" and caught.value.status == 400
    assert len(fake.orders) == 1


async def test_close_an_unpaid_order(
    fake: FakeWeChatPay, client: WeChatPayClient, receiver: Receiver
) -> None:
    await _native(client, receiver, "PH-C1")
    assert await client.close_order("PH-C1") is None
    assert (await client.query_order("PH-C1")).trade_state == "CLOSED"
    await client.close_order("PH-C1")  # closing again is harmless
    with pytest.raises(ApiError) as caught:
        await _native(client, receiver, "PH-C1")
    assert caught.value.wechat_code == "ORDER_CLOSED"
    with pytest.raises(ValueError):
        fake.pay("PH-C1")
    assert ("POST", "/v3/pay/transactions/out-trade-no/PH-C1/close", 204) in fake.requests


async def test_a_paid_order_cannot_be_closed_and_a_failed_one_can(
    fake: FakeWeChatPay, client: WeChatPayClient, receiver: Receiver
) -> None:
    await _native(client, receiver, "PH-P1")
    fake.pay("PH-P1")
    with pytest.raises(ApiError) as caught:
        await client.close_order("PH-P1")
    assert caught.value.wechat_code == "ORDERPAID"
    await _native(client, receiver, "PH-F1")
    fake.fail("PH-F1")
    failed = await client.query_order("PH-F1")
    assert failed.trade_state == "PAYERROR" and receiver.received != []
    await client.close_order("PH-F1")
    assert (await client.query_order("PH-F1")).trade_state == "CLOSED"


async def test_an_unknown_order_is_an_api_error(client: WeChatPayClient) -> None:
    with pytest.raises(ApiError) as caught:
        await client.query_order("PH-NOPE")
    assert (caught.value.status, caught.value.wechat_code) == (404, "ORDER_NOT_EXIST")
    assert caught.value.code == "api_error"


async def test_a_request_signed_with_another_key_is_refused_401(fake: FakeWeChatPay) -> None:
    config = dataclasses.replace(fake.merchant_config(), private_key=new_key())
    async with WeChatPayClient(config, base_url=fake.base_url, backoff=0) as client:
        with pytest.raises(ApiError) as caught:
            await client.query_order("PH-1")
    assert (caught.value.status, caught.value.wechat_code) == (401, "SIGN_ERROR")
    assert fake.requests[-1][2] == 401


async def test_a_request_with_another_serial_is_refused_401(fake: FakeWeChatPay) -> None:
    config = dataclasses.replace(fake.merchant_config(), serial_no="0" * 40)
    async with WeChatPayClient(config, base_url=fake.base_url, backoff=0) as client:
        with pytest.raises(ApiError) as caught:
            await client.query_order("PH-1")
    assert caught.value.wechat_code == "SIGN_ERROR"


def _with_platform_keys(fake: FakeWeChatPay, keys: dict[str, rsa.RSAPublicKey]) -> WeChatPayClient:
    config = dataclasses.replace(fake.merchant_config(), platform_keys=keys)
    return WeChatPayClient(config, base_url=fake.base_url, backoff=0)


async def test_a_forged_response_signature_is_refused_not_retried(fake: FakeWeChatPay) -> None:
    forged = {fake.platform_serial: new_key().public_key()}  # someone else's key, our serial
    async with _with_platform_keys(fake, forged) as client:
        with pytest.raises(SignatureRejected) as caught:
            await client.query_order("PH-1")
    assert caught.value.code == "bad_signature"
    assert len(fake.requests) == 1


async def test_a_response_from_an_unknown_serial_is_refused(fake: FakeWeChatPay) -> None:
    async with _with_platform_keys(fake, {"OTHER": PLATFORM_KEY.public_key()}) as client:
        with pytest.raises(SignatureRejected) as caught:
            await client.query_order("PH-1")
    assert caught.value.code == "unknown_serial"


async def test_a_stale_response_is_refused(fake: FakeWeChatPay) -> None:
    fake.clock = lambda: datetime.now(UTC) - timedelta(minutes=10)  # answers signed long ago
    async with WeChatPayClient(fake.merchant_config(), base_url=fake.base_url, backoff=0) as client:
        with pytest.raises(SignatureRejected) as caught:
            await client.query_order("PH-1")
    assert caught.value.code == "stale_timestamp"


async def test_server_errors_are_retried_with_the_same_order(
    fake: FakeWeChatPay, client: WeChatPayClient, receiver: Receiver
) -> None:
    fake.fail_next(500, "SYSTEM_ERROR", times=2)
    code_url = await _native(client, receiver, "PH-R1")
    assert [r[2] for r in fake.requests] == [500, 500, 200]
    assert fake.orders["PH-R1"].prepay["code_url"] == code_url


async def test_a_lost_answer_is_retried_and_finds_the_order_made(
    fake: FakeWeChatPay, client: WeChatPayClient, receiver: Receiver
) -> None:
    fake.drop_next()  # the order is made, the answer never arrives
    code_url = await _native(client, receiver, "PH-L1")
    assert len(fake.orders) == 1 and fake.orders["PH-L1"].prepay["code_url"] == code_url
    assert len(fake.requests) == 1  # the dropped one is not recorded as answered


async def test_errors_that_persist_become_unavailable(
    fake: FakeWeChatPay, client: WeChatPayClient
) -> None:
    fake.fail_next(503, "SYSTEM_ERROR", times=3)
    with pytest.raises(PaymentUnavailable) as caught:
        await client.query_order("PH-1")
    assert caught.value.code == "wechatpay_unavailable"
    assert len(fake.requests) == 3


async def test_a_4xx_is_not_retried(fake: FakeWeChatPay, client: WeChatPayClient) -> None:
    fake.fail_next(400, "PARAM_ERROR")
    with pytest.raises(ApiError):
        await client.query_order("PH-1")
    assert len(fake.requests) == 1


async def test_nothing_listening_is_unavailable() -> None:
    fake = FakeWeChatPay(merchant_key=MERCHANT_KEY, platform_key=PLATFORM_KEY)
    base_url = fake.base_url
    fake.stop()  # bound, never served, now closed
    async with WeChatPayClient(fake.merchant_config(), base_url=base_url, backoff=0) as client:
        with pytest.raises(PaymentUnavailable):
            await client.query_order("PH-1")


async def test_duplicate_callbacks_parse_the_same(
    fake: FakeWeChatPay, client: WeChatPayClient, receiver: Receiver
) -> None:
    await _native(client, receiver, "PH-DUP")
    sent = fake.pay("PH-DUP")
    assert fake.deliver(sent, times=3) == [204, 204, 204]
    assert len(receiver.received) == 4
    assert {n.event_id for n in receiver.received} == {sent.event_id}
    assert all(n == receiver.received[0] for n in receiver.received)


async def test_out_of_order_callbacks_parse_the_same(
    fake: FakeWeChatPay, client: WeChatPayClient, receiver: Receiver
) -> None:
    for no in ("PH-O1", "PH-O2", "PH-O3"):
        await _native(client, receiver, no)
    sent = [fake.pay(no, notify=False) for no in ("PH-O1", "PH-O2", "PH-O3")]
    assert receiver.received == []
    assert fake.deliver_all(reversed(sent)) == [204, 204, 204]
    got = {n.event_id: n.resource for n in receiver.received}
    assert [n.event_id for n in receiver.received] == [s.event_id for s in reversed(sent)]
    for s in sent:
        resource = got[s.event_id]
        assert isinstance(resource, Transaction)
        assert resource == await client.query_order(resource.out_trade_no)


async def test_a_replayed_stale_callback_is_refused(
    fake: FakeWeChatPay, client: WeChatPayClient, receiver: Receiver
) -> None:
    await _native(client, receiver, "PH-S1")
    sent = fake.pay("PH-S1", notify=False)
    old = int((datetime.now(UTC) - timedelta(minutes=6)).timestamp())
    assert fake.deliver(sent, timestamp=old) == [401]
    assert receiver.received == [] and receiver.refused == ["stale_timestamp"]


async def test_a_callback_signed_by_another_platform_key_is_refused(
    fake: FakeWeChatPay, client: WeChatPayClient, receiver: Receiver
) -> None:
    await _native(client, receiver, "PH-X1")
    sent = fake.pay("PH-X1", notify=False)
    fake.platform_key = new_key()  # an impostor with the serial but not the key
    assert fake.deliver(sent) == [401]
    assert receiver.refused == ["bad_signature"]
