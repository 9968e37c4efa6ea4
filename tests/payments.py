"""Test support for WeChat Pay: a started fake (fixture `wechatpay`), the market's gateway to it,
and `deliver`, which hands one of its callbacks to the app through a Litestar test client (for
tests that run no TCP server, so the fake cannot POST to the app itself).

    sent = wechatpay.pay(order_no, notify=False)
    response = await deliver(client, wechatpay, sent)

Registered for every test by tests/conftest.py (pytest_plugins).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from litestar.testing import AsyncTestClient

from api.services import WECHATPAY_NOTIFY_PATH, WECHATPAY_REFUND_NOTIFY_PATH, wechatpay_gateway
from integrations.payments.wechatpay.fake import FakeWeChatPay, Sent, new_key
from integrations.payments.wechatpay.gateway import WeChatPayGateway


@cache
def _keys() -> tuple[rsa.RSAPrivateKey, rsa.RSAPrivateKey]:
    """The merchant's and the platform's keys, made once per run (RSA 2048 is slow to make)."""
    return new_key(), new_key()


@pytest.fixture
def wechatpay() -> Iterator[FakeWeChatPay]:
    """A fake WeChat Pay listening on 127.0.0.1, fresh for the test and stopped after it."""
    merchant_key, platform_key = _keys()
    with FakeWeChatPay(merchant_key=merchant_key, platform_key=platform_key) as fake:
        yield fake


def gateway_for(fake: FakeWeChatPay, public_base_url: str) -> WeChatPayGateway:
    """The market's gateway to `fake`, its callbacks addressed to `public_base_url`; no retry
    pauses. Close it with `await gateway.aclose()` (or pass it to create_app, whose shutdown
    does)."""
    return wechatpay_gateway(
        fake.merchant_config(),
        api_v3_key=fake.api_v3_key,
        base_url=fake.base_url,
        public_base_url=public_base_url,
        backoff=0,
    )


async def deliver(client: AsyncTestClient, fake: FakeWeChatPay, sent: Sent) -> httpx.Response:
    """POST the callback `sent` to the app as WeChat Pay would: freshly signed, to the notify
    (or, for REFUND.* events, the refund-notify) endpoint."""
    path = WECHATPAY_REFUND_NOTIFY_PATH if sent.event_type.startswith("REFUND.") else None
    headers = fake.sign_headers(sent.body)
    headers["Content-Type"] = "application/json"
    return await client.post(path or WECHATPAY_NOTIFY_PATH, content=sent.body, headers=headers)
