"""The market's gateway to a fake WeChat Pay, for the gateway's tests: the fixture `gateway` and
orders made through it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from integrations.payments.wechatpay.fake import FakeWeChatPay
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
