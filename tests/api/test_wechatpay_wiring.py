"""PUHUI_WECHATPAY from settings to a working gateway (off, fake, live from key files, or given
by a test), and the test helpers of tests/payments.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import msgspec
import pytest
from cryptography.hazmat.primitives import serialization
from litestar import Litestar, Request, post
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.services import WECHATPAY_NOTIFY_PATH, WECHATPAY_REFUND_NOTIFY_PATH, Services
from api.settings import Settings, SettingsError
from domain.market.payments import PaymentNotice, RefundNotice
from integrations.payments.wechatpay.fake import FakeWeChatPay
from integrations.payments.wechatpay.gateway import WeChatPayGateway
from tests.payments import deliver, gateway_for

EXPIRES = datetime(2030, 1, 1, tzinfo=UTC)


async def _order(gateway: WeChatPayGateway, order_no: str) -> None:
    await gateway.prepare(
        order_no=order_no, channel="native", description="x", amount_fen=100, expires_at=EXPIRES
    )


# -- tests/payments.py -------------------------------------------------------------------------


async def test_fixture_and_gateway_for(wechatpay: FakeWeChatPay) -> None:
    gateway = gateway_for(wechatpay, "https://puhui.example")
    try:
        await _order(gateway, "PH-W1")
        assert wechatpay.orders["PH-W1"].notify_url == (
            "https://puhui.example/v1/payments/wechatpay/notify"
        )
        assert (await gateway.status("PH-W1")).state == "unpaid"
    finally:
        await gateway.aclose()


def _receiver(gateway: WeChatPayGateway, seen: list[tuple[str, object]]) -> Litestar:
    """What the app's callback endpoints will do with a callback, minus the market."""

    async def read(request: Request) -> None:
        notice = gateway.read_notice(request.headers, await request.body(), datetime.now(UTC))
        seen.append((request.url.path, notice))

    @post(WECHATPAY_NOTIFY_PATH, status_code=204)
    async def notify(request: Request) -> None:
        await read(request)

    @post(WECHATPAY_REFUND_NOTIFY_PATH, status_code=204)
    async def refund_notify(request: Request) -> None:
        await read(request)

    return Litestar([notify, refund_notify])


async def test_deliver_posts_signed_callbacks_to_the_right_endpoint(
    wechatpay: FakeWeChatPay,
) -> None:
    gateway = gateway_for(wechatpay, "http://testserver.local")
    seen: list[tuple[str, object]] = []
    try:
        async with AsyncTestClient(app=_receiver(gateway, seen)) as client:
            await _order(gateway, "PH-W2")
            paid = wechatpay.pay("PH-W2", notify=False)
            assert (await deliver(client, wechatpay, paid)).status_code == 204
            await gateway.refund(
                order_no="PH-W2", refund_no="RF-W2", amount_fen=100, total_fen=100, reason="x"
            )
            refunded = wechatpay.complete_refund("RF-W2", notify=False)
            assert refunded is not None
            assert (await deliver(client, wechatpay, refunded)).status_code == 204
    finally:
        await gateway.aclose()
    [(paid_path, paid_notice), (refund_path, refund_notice)] = seen
    assert paid_path == WECHATPAY_NOTIFY_PATH and refund_path == WECHATPAY_REFUND_NOTIFY_PATH
    assert isinstance(paid_notice, PaymentNotice) and paid_notice.event_id == paid.event_id
    assert isinstance(refund_notice, RefundNotice) and refund_notice.state == "succeeded"
    assert wechatpay.deliveries == []  # nothing went over the network


# -- Services ---------------------------------------------------------------------------------


async def test_off_has_no_gateway_unless_one_is_given(
    settings: Settings, wechatpay: FakeWeChatPay
) -> None:
    off = Services(settings)
    assert off.payments is None and off.fake_wechatpay is None
    await off.close()

    gateway = gateway_for(wechatpay, settings.public_base_url)
    app = create_app(settings, payments=gateway)
    services: Services = app.state.services
    assert services.payments is gateway and services.fake_wechatpay is None
    async with AsyncTestClient(app=app):
        await _order(gateway, "PH-W3")
    assert gateway._client._http.is_closed  # closed with the app


async def test_fake_starts_an_in_process_fake_and_stops_it(settings: Settings) -> None:
    services = Services(
        msgspec.structs.replace(settings, wechatpay="fake", public_base_url="http://h:1/")
    )
    fake, gateway = services.fake_wechatpay, services.payments
    assert fake is not None and gateway is not None
    assert gateway.notify_url == "http://h:1/v1/payments/wechatpay/notify"
    assert gateway.refund_notify_url == "http://h:1/v1/payments/wechatpay/refund-notify"
    await _order(gateway, "PH-W4")
    assert fake.orders["PH-W4"].notify_url == gateway.notify_url
    await services.close()
    assert fake._thread is None and gateway._client._http.is_closed


def _live(settings: Settings, fake: FakeWeChatPay, tmp_path: Path, **changes: str) -> Settings:
    merchant_pem = fake.merchant_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    platform_pem = fake.platform_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    (tmp_path / "apiclient_key.pem").write_bytes(merchant_pem)
    (tmp_path / "pub_key.pem").write_bytes(platform_pem)
    values = {
        "wechatpay": "live",
        "wechatpay_mchid": fake.mchid,
        "wechatpay_appid": fake.appid,
        "wechatpay_merchant_serial": fake.merchant_serial,
        "wechatpay_merchant_key_file": str(tmp_path / "apiclient_key.pem"),
        "wechatpay_platform_serial": fake.platform_serial,
        "wechatpay_platform_key_file": str(tmp_path / "pub_key.pem"),
        "wechatpay_api_v3_key": fake.api_v3_key.decode(),
        "wechatpay_base_url": fake.base_url,
        **changes,
    }
    return msgspec.structs.replace(settings, **values)


async def test_live_loads_the_key_files(
    settings: Settings, wechatpay: FakeWeChatPay, tmp_path: Path
) -> None:
    services = Services(_live(settings, wechatpay, tmp_path))
    gateway = services.payments
    assert gateway is not None and services.fake_wechatpay is None
    try:
        await _order(gateway, "PH-W5")  # signed with the file's key, verified with the other
        sent = wechatpay.pay("PH-W5", notify=False)
        notice = gateway.read_notice(
            wechatpay.sign_headers(sent.body), sent.body, datetime.now(UTC)
        )
        assert isinstance(notice, PaymentNotice) and notice.order_no == "PH-W5"
        assert notice.paid_at > datetime.now(UTC) - timedelta(minutes=1)
    finally:
        await services.close()


@pytest.mark.parametrize(
    ("file", "content", "variable"),
    [
        ("apiclient_key.pem", None, "PUHUI_WECHATPAY_MERCHANT_KEY_FILE"),
        ("apiclient_key.pem", b"-----BEGIN PRIVATE KEY-----\nnope\n", "MERCHANT_KEY_FILE"),
        ("pub_key.pem", None, "PUHUI_WECHATPAY_PLATFORM_KEY_FILE"),
        ("pub_key.pem", b"not a key", "PUHUI_WECHATPAY_PLATFORM_KEY_FILE"),
    ],
)
def test_live_key_files_that_do_not_load_are_named(
    settings: Settings,
    wechatpay: FakeWeChatPay,
    tmp_path: Path,
    file: str,
    content: bytes | None,
    variable: str,
) -> None:
    live = _live(settings, wechatpay, tmp_path)
    if content is None:
        (tmp_path / file).unlink()
    else:
        (tmp_path / file).write_bytes(content)
    with pytest.raises(SettingsError, match=variable):
        Services(live)
