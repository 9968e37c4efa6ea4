"""The demo's payer (api/web/dev_payments.py): mounted only with PUHUI_WECHATPAY=fake, it makes
the in-process fake pay an order and call our notify URL back, signed and encrypted."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from typing import Any

import httpx
import msgspec
import pytest
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.services import WECHATPAY_NOTIFY_PATH, Services
from api.settings import Settings
from domain.market.payments import PaymentNotice
from integrations.local_server import LocalServer
from tests.live import serve


class Recorder(LocalServer):
    """Stands in for our own public address: records each POST and answers 204."""

    def __init__(self) -> None:
        self.received: list[tuple[str, dict[str, str], bytes]] = []
        self.lock = threading.Lock()
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with recorder.lock:
                    recorder.received.append((self.path, dict(self.headers.items()), body))
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        super().__init__(Handler, host="127.0.0.1", port=0, name="notify-recorder")


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    with Recorder() as r:
        yield r


async def _prepare(services: Services, order_no: str) -> None:
    assert services.payments is not None
    await services.payments.prepare(
        order_no=order_no,
        channel="native",
        description="减排量 2 t",
        amount_fen=24_000,
        expires_at=datetime.now(UTC) + timedelta(minutes=15),
    )


async def test_the_fake_pays_and_calls_our_notify_url(
    settings: Settings, recorder: Recorder
) -> None:
    fake_settings = msgspec.structs.replace(
        settings, wechatpay="fake", public_base_url=recorder.base_url
    )
    app = create_app(fake_settings)
    services: Services = app.state.services
    fake = services.fake_wechatpay
    assert fake is not None and services.payments is not None
    async with AsyncTestClient(app=app) as client:
        await _prepare(services, "PH-D1")
        response = await client.post("/v1/dev/wechatpay/orders/PH-D1/pay")
        assert response.status_code == 202, response.text
        answer = response.json()
        assert answer["order_no"] == "PH-D1" and answer["callback_status"] == 204
        assert fake.orders["PH-D1"].trade_state == "SUCCESS"

        [(path, headers, body)] = recorder.received
        assert path == "/v1/payments/wechatpay/notify"
        assert headers["Content-Type"] == "application/json"
        notice = services.payments.read_notice(headers, body, datetime.now(UTC))
        assert isinstance(notice, PaymentNotice)
        assert (notice.event_id, notice.order_no) == (answer["event_id"], "PH-D1")
        assert notice.amount_fen == 24_000
        assert notice.transaction_id == fake.orders["PH-D1"].transaction_id

        again = await client.post("/v1/dev/wechatpay/orders/PH-D1/pay")
        assert again.status_code == 409 and again.json()["code"] == "not_payable"
        unknown = await client.post("/v1/dev/wechatpay/orders/PH-NOPE/pay")
        assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"
        assert len(recorder.received) == 1
    assert fake._thread is None  # stopped with the app


async def test_the_callback_comes_back_to_this_very_server(settings: Settings) -> None:
    """Over real sockets: the fake pays in a worker thread, so the server's loop is free to take
    the callback (a non-zero status; which one is the notify endpoint's business)."""
    app = create_app(msgspec.structs.replace(settings, wechatpay="fake"))
    services: Services = app.state.services
    assert services.payments is not None
    async with serve(app) as url, httpx.AsyncClient(base_url=url, timeout=30) as client:
        services.payments.notify_url = url + WECHATPAY_NOTIFY_PATH  # the port is known now
        await _prepare(services, "PH-D2")
        response = await client.post("/v1/dev/wechatpay/orders/PH-D2/pay")
        assert response.status_code == 202
        assert response.json()["callback_status"] != 0
        assert services.fake_wechatpay is not None
        [delivery] = services.fake_wechatpay.deliveries
        assert delivery.status == response.json()["callback_status"]


async def test_an_unreachable_notify_url_still_pays(settings: Settings, recorder: Recorder) -> None:
    recorder.stop()  # nobody listens at our public address any more
    fake_settings = msgspec.structs.replace(
        settings, wechatpay="fake", public_base_url=recorder.base_url
    )
    app = create_app(fake_settings)
    services: Services = app.state.services
    async with AsyncTestClient(app=app) as client:
        await _prepare(services, "PH-D3")
        response = await client.post("/v1/dev/wechatpay/orders/PH-D3/pay")
        assert response.status_code == 202
        assert response.json()["callback_status"] == 0
        assert services.fake_wechatpay is not None
        assert services.fake_wechatpay.orders["PH-D3"].trade_state == "SUCCESS"


async def test_not_there_without_the_fake(client: AsyncTestClient) -> None:
    response = await client.post("/v1/dev/wechatpay/orders/PH-D4/pay")
    assert response.status_code == 404
    paths = (await client.get("/schema/openapi.json")).json()["paths"]
    assert not any(path.startswith("/v1/dev/wechatpay") for path in paths)
