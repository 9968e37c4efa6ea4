"""Refunds, refund callbacks and the daily trade bill: WeChatPayClient against FakeWeChatPay."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import pytest

from integrations.payments.wechatpay import (
    ApiError,
    BillRejected,
    RefundNotice,
    WeChatPayClient,
)
from integrations.payments.wechatpay.fake import FakeWeChatPay, new_key
from tests.integration.wechatpay_receiver import Receiver

MERCHANT_KEY = new_key()
PLATFORM_KEY = new_key()
NOW = datetime(2025, 3, 1, 2, 0, tzinfo=UTC)  # 10:00 in Beijing: the bill date is 2025-03-01


def clock() -> datetime:
    return NOW


@pytest.fixture
def fake() -> Iterator[FakeWeChatPay]:
    with FakeWeChatPay(merchant_key=MERCHANT_KEY, platform_key=PLATFORM_KEY, clock=clock) as s:
        yield s


@pytest.fixture
def receiver(fake: FakeWeChatPay) -> Iterator[Receiver]:
    with Receiver(fake, clock=clock) as r:
        yield r


@pytest.fixture
async def client(fake: FakeWeChatPay) -> AsyncIterator[WeChatPayClient]:
    async with WeChatPayClient(
        fake.merchant_config(), base_url=fake.base_url, backoff=0, clock=clock
    ) as c:
        yield c


async def _paid(
    fake: FakeWeChatPay,
    client: WeChatPayClient,
    receiver: Receiver,
    no: str,
    fen: int,
    description: str = "减排量",
) -> None:
    await client.create_native_order(
        out_trade_no=no, description=description, amount_fen=fen, notify_url=receiver.url
    )
    fake.pay(no)


async def test_refund_flow_with_its_callback(
    fake: FakeWeChatPay, client: WeChatPayClient, receiver: Receiver
) -> None:
    await _paid(fake, client, receiver, "PH-1", 12_000)
    refund = await client.refund(
        out_trade_no="PH-1",
        out_refund_no="RF-1",
        refund_fen=12_000,
        total_fen=12_000,
        reason="交付前取消",
        notify_url=receiver.url,
    )
    assert refund.status == "PROCESSING" and refund.amount.refund == 12_000
    assert (await client.query_refund("RF-1")).status == "PROCESSING"
    assert (await client.query_order("PH-1")).trade_state == "REFUND"

    sent = fake.complete_refund("RF-1")

    assert sent is not None
    notice = receiver.received[-1]
    assert notice.event_type == "REFUND.SUCCESS" and notice.event_id == sent.event_id
    assert isinstance(notice.resource, RefundNotice)
    assert notice.resource.out_refund_no == "RF-1" and notice.resource.amount.refund == 12_000
    done = await client.query_refund("RF-1")
    assert done.status == "SUCCESS" and done.refund_id == refund.refund_id
    assert done.success_time is not None


async def test_a_refund_asked_again_is_the_same_refund(
    fake: FakeWeChatPay, client: WeChatPayClient, receiver: Receiver
) -> None:
    await _paid(fake, client, receiver, "PH-2", 5_000)
    first = await client.refund(
        out_trade_no="PH-2", out_refund_no="RF-2", refund_fen=2_000, total_fen=5_000
    )
    fake.fail_next(500)  # and a retry on top
    again = await client.refund(
        out_trade_no="PH-2", out_refund_no="RF-2", refund_fen=2_000, total_fen=5_000
    )
    assert again.refund_id == first.refund_id
    assert fake.orders["PH-2"].refunded_fen == 2_000
    with pytest.raises(ApiError) as caught:  # more than what is left
        await client.refund(
            out_trade_no="PH-2", out_refund_no="RF-3", refund_fen=3_001, total_fen=5_000
        )
    assert caught.value.wechat_code == "INVALID_REQUEST"
    with pytest.raises(ApiError):  # the same refund number with other parameters
        await client.refund(
            out_trade_no="PH-2", out_refund_no="RF-2", refund_fen=1_000, total_fen=5_000
        )


async def test_an_unpaid_order_cannot_be_refunded(
    client: WeChatPayClient, receiver: Receiver
) -> None:
    await client.create_native_order(
        out_trade_no="PH-U", description="x", amount_fen=100, notify_url=receiver.url
    )
    with pytest.raises(ApiError) as caught:
        await client.refund(
            out_trade_no="PH-U", out_refund_no="RF-U", refund_fen=100, total_fen=100
        )
    assert caught.value.wechat_code == "RESOURCE_NOT_EXISTS"
    with pytest.raises(ApiError) as unknown:
        await client.query_refund("RF-NOPE")
    assert unknown.value.status == 404


async def test_the_trade_bill_is_downloaded_checked_and_adds_up(
    fake: FakeWeChatPay, client: WeChatPayClient, receiver: Receiver
) -> None:
    await _paid(fake, client, receiver, "PH-A", 12_000, "减排量 2 t, 南京")
    await _paid(fake, client, receiver, "PH-B", 1)
    await client.refund(
        out_trade_no="PH-A", out_refund_no="RF-A", refund_fen=6_000, total_fen=12_000
    )
    fake.complete_refund("RF-A")

    bill = await client.download_trade_bill("2025-03-01")

    assert [(r.out_trade_no, r.trade_state) for r in bill.rows] == [
        ("PH-A", "SUCCESS"),
        ("PH-B", "SUCCESS"),
        ("PH-A", "REFUND"),
    ]
    paid = {r.out_trade_no: r for r in bill.rows if r.trade_state == "SUCCESS"}
    assert paid["PH-A"].settlement_fen == 12_000 and paid["PH-A"].description == "减排量 2 t, 南京"
    assert paid["PH-A"].transaction_id == fake.orders["PH-A"].transaction_id
    assert paid["PH-B"].settlement_fen == 1
    assert bill.rows[2].refund_fen == 6_000 and bill.rows[2].out_refund_no == "RF-A"
    assert sum(r.settlement_fen for r in bill.rows) == bill.summary.settlement_fen == 12_001
    assert sum(r.refund_fen for r in bill.rows) == bill.summary.refund_fen == 6_000
    assert sum(r.fee_millifen for r in bill.rows) == bill.summary.fee_millifen == 36_006


async def test_a_bill_with_a_wrong_hash_is_refused(
    fake: FakeWeChatPay, client: WeChatPayClient, receiver: Receiver
) -> None:
    await _paid(fake, client, receiver, "PH-T", 100)
    fake.tamper_next_bill()
    with pytest.raises(BillRejected) as caught:
        await client.download_trade_bill("2025-03-01")
    assert caught.value.code == "bill_hash_mismatch"
    assert len((await client.download_trade_bill("2025-03-01")).rows) == 1  # the next one is fine


async def test_a_day_without_trades_has_no_bill(client: WeChatPayClient) -> None:
    with pytest.raises(ApiError) as caught:
        await client.download_trade_bill("2025-02-28")
    assert caught.value.wechat_code == "NO_STATEMENT_EXIST"
    with pytest.raises(ApiError) as bad:
        await client.trade_bill_link("2025-02-30")
    assert bad.value.wechat_code == "PARAM_ERROR"
