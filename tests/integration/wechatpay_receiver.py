"""A small local callback receiver for the WeChat Pay tests: what the app's notify endpoint will
do, minus the database. It parses every POST with parse_notification and answers 204, or 401 with
WeChat Pay's failure shape when the callback is refused (which makes WeChat Pay deliver again)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from typing import Any

from integrations.local_server import LocalServer
from integrations.payments.wechatpay import Notification, WeChatPayError, parse_notification
from integrations.payments.wechatpay.fake import FakeWeChatPay
from integrations.payments.wechatpay.notifications import FAILURE_BODY


class Receiver(LocalServer):
    def __init__(
        self, fake: FakeWeChatPay, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self.platform_keys = dict(fake.platform_keys)  # configured once, as the app will
        self.api_v3_key = fake.api_v3_key
        self.clock = clock
        self.received: list[Notification] = []
        self.refused: list[str] = []  # error codes
        self.lock = threading.Lock()
        super().__init__(_handler(self), host="127.0.0.1", port=0, name="wechatpay-receiver")

    @property
    def url(self) -> str:
        return f"{self.base_url}/v1/payments/wechatpay/notify"

    def handle(self, headers: dict[str, str], body: bytes) -> int:
        try:
            notification = parse_notification(
                headers, body, self.platform_keys, self.api_v3_key, self.clock()
            )
        except WeChatPayError as exc:
            with self.lock:
                self.refused.append(exc.code)
            return 401
        with self.lock:
            self.received.append(notification)
        return 204


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status = receiver.handle(dict(self.headers.items()), body)
            payload = b"" if status == 204 else FAILURE_BODY
            self.send_response(status)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler
