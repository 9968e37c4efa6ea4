"""A local fake of WeChat Pay API v3 (直连商户), for tests and local demos.

A real HTTP server on 127.0.0.1 (LocalServer) that behaves like WeChat Pay where it matters to us:

- it checks every request's WECHATPAY2-SHA256-RSA2048 signature against the merchant's public key
  (401 SIGN_ERROR in WeChat Pay's error shape when it is wrong, stale or from another serial);
- it keeps orders and refunds in memory, deduplicating on out_trade_no / out_refund_no like
  WeChat Pay (the same request again gets the same answer, other parameters are refused);
- it signs every answer with its own platform key, whose public half `platform_keys` hands to the
  client's configuration (as the merchant would download the platform certificate or public key);
- tests decide what the payer does (`pay`, `fail`, or nothing: the order stays NOTPAY), finish
  refunds (`complete_refund`), and WeChat Pay's encrypted callbacks (TRANSACTION.SUCCESS,
  REFUND.SUCCESS) are POSTed to the order's notify_url; `deliver` sends any of them again, so
  tests can send duplicates and deliver them out of order;
- it serves the daily trade bill with its SHA1 hash, and can serve a tampered one.

    with FakeWeChatPay() as fake:
        async with WeChatPayClient(fake.merchant_config(), base_url=fake.base_url) as client:
            code_url = await client.create_native_order(...)
        sent = fake.pay(out_trade_no)                 # paid; callback delivered once
        fake.deliver(sent, times=3)                   # ... and three more times

Keys are generated at start (RSA 2048) unless given. Not modelled: the /v3/certificates download,
partial payments, coupons, tar/gzip bills, the H5 and App channels.
"""

from __future__ import annotations

import json
import secrets
import string
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from typing import Any, Final
from urllib.parse import parse_qsl, unquote, urlsplit

import httpx
from cryptography.hazmat.primitives.asymmetric import rsa

from integrations.local_server import LocalServer
from integrations.payments.wechatpay import fake_bill, fake_orders, signing
from integrations.payments.wechatpay import fake_documents as documents
from integrations.payments.wechatpay.client import MerchantConfig

# `X as X`: re-exported, they lived here before the split.
from integrations.payments.wechatpay.fake_bill import FEE_MILLIFEN_PER_FEN as FEE_MILLIFEN_PER_FEN
from integrations.payments.wechatpay.fake_records import BEIJING as BEIJING
from integrations.payments.wechatpay.fake_records import (
    Answer,
    Delivery,
    FakeOrder,
    FakeRefund,
    Script,
    Sent,
    error,
    new_key,
    new_serial,
)

_ORDER_PATHS: Final = {
    "/v3/pay/transactions/native": "NATIVE",
    "/v3/pay/transactions/jsapi": "JSAPI",
}
_TRADE_PREFIX: Final = "/v3/pay/transactions/out-trade-no/"
_REFUNDS: Final = "/v3/refund/domestic/refunds"
_BILL: Final = "/v3/bill/tradebill"
_DOWNLOAD: Final = "/v3/billdownload/file"


class FakeWeChatPay(LocalServer):
    """WeChat Pay v3 for one merchant, in memory, with scriptable payers and callbacks."""

    def __init__(
        self,
        *,
        mchid: str = "1900000109",
        appid: str = "wxd678efh567hg6787",
        api_v3_key: bytes | None = None,
        merchant_key: rsa.RSAPrivateKey | None = None,
        merchant_serial: str | None = None,
        platform_key: rsa.RSAPrivateKey | None = None,
        platform_serial: str | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.mchid = mchid
        self.appid = appid
        self.api_v3_key = api_v3_key or secrets.token_hex(16).encode()  # 32 ASCII bytes
        # Only the public half is used to check requests; the private half lets
        # merchant_config() hand the client a complete configuration.
        self.merchant_key = merchant_key or new_key()
        self.merchant_serial = merchant_serial or new_serial()
        self.platform_key = platform_key or new_key()
        self.platform_serial = platform_serial or new_serial()
        self.clock = clock
        self.orders: dict[str, FakeOrder] = {}
        self.refunds: dict[str, FakeRefund] = {}
        self.sent: list[Sent] = []
        self.deliveries: list[Delivery] = []
        self.requests: list[tuple[str, str, int]] = []  # method, path with query, status
        self._bills: dict[str, bytes] = {}  # download token -> content
        self._script = Script()
        self._lock = threading.RLock()
        super().__init__(_handler_for(self), host=host, port=port, name="fake-wechatpay")

    # -- configuration handed to the client -----------------------------------------------------

    @property
    def platform_keys(self) -> dict[str, rsa.RSAPublicKey]:
        return {self.platform_serial: self.platform_key.public_key()}

    def merchant_config(self) -> MerchantConfig:
        return MerchantConfig(
            mchid=self.mchid,
            appid=self.appid,
            serial_no=self.merchant_serial,
            private_key=self.merchant_key,
            platform_keys=self.platform_keys,
        )

    # -- scripting: the payer, refunds, failures ------------------------------------------------

    def pay(
        self,
        out_trade_no: str,
        *,
        openid: str = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
        notify: bool = True,
    ) -> Sent:
        """The payer pays: SUCCESS and a TRANSACTION.SUCCESS callback (delivered if notify)."""
        with self._lock:
            order = self.orders[out_trade_no]
            if order.trade_state not in ("NOTPAY", "USERPAYING", "PAYERROR"):
                raise ValueError(f"order {out_trade_no} is {order.trade_state}, it cannot be paid")
            order.trade_state, order.trade_state_desc = "SUCCESS", "支付成功"
            order.transaction_id = "4200" + "".join(
                secrets.choice(string.digits) for _ in range(24)
            )
            order.payer_openid = openid
            order.success_time = self.clock()
            sent = self._notification(
                "TRANSACTION.SUCCESS",
                "支付成功",
                "transaction",
                order.notify_url,
                documents.transaction(order, appid=self.appid, mchid=self.mchid),
            )
        if notify:
            self.deliver(sent)
        return sent

    def fail(self, out_trade_no: str, description: str = "支付失败，请重新下单支付") -> None:
        """The payment fails (PAYERROR); WeChat Pay sends no callback for that."""
        with self._lock:
            order = self.orders[out_trade_no]
            if order.trade_state != "NOTPAY":
                raise ValueError(f"order {out_trade_no} is {order.trade_state}")
            order.trade_state, order.trade_state_desc = "PAYERROR", description

    def complete_refund(self, out_refund_no: str, *, notify: bool = True) -> Sent | None:
        """The money is back with the payer: SUCCESS, and REFUND.SUCCESS if it has a notify_url."""
        with self._lock:
            refund = self.refunds[out_refund_no]
            if refund.status != "PROCESSING":
                raise ValueError(f"refund {out_refund_no} is {refund.status}")
            refund.status = "SUCCESS"
            refund.success_time = self.clock()
            if refund.notify_url is None:
                return None
            sent = self._notification(
                "REFUND.SUCCESS",
                "退款成功",
                "refund",
                refund.notify_url,
                documents.refund_notice(refund, mchid=self.mchid, clock=self.clock),
            )
        if notify:
            self.deliver(sent)
        return sent

    def fail_next(self, status: int, code: str = "SYSTEM_ERROR", times: int = 1) -> None:
        """Answer the next `times` requests with this error, whatever they ask."""
        with self._lock:
            self._script.failures.extend([(status, code)] * times)

    def drop_next(self, times: int = 1) -> None:
        """Do the next `times` requests, then hang up without answering (a lost answer)."""
        with self._lock:
            self._script.drops += times

    def tamper_next_bill(self) -> None:
        """The next bill download serves content that does not match the announced hash."""
        with self._lock:
            self._script.tamper_bill = True

    # -- callbacks ------------------------------------------------------------------------------

    def deliver(
        self, sent: Sent, *, times: int = 1, timestamp: int | None = None, timeout: float = 5.0
    ) -> list[int]:
        """POST the callback `times` times, freshly signed each time; returns the statuses.

        WeChat Pay waits at most 5 s for an answer; a `timestamp` makes a stale (replayed) one.
        """
        statuses = []
        for _ in range(times):
            headers = self.sign_headers(sent.body, timestamp)
            headers["Content-Type"] = "application/json"
            try:
                status = httpx.post(sent.url, content=sent.body, headers=headers, timeout=timeout)
                code = status.status_code
            except httpx.HTTPError:
                code = 0
            with self._lock:
                self.deliveries.append(Delivery(sent.event_id, sent.event_type, code))
            statuses.append(code)
        return statuses

    def deliver_all(self, sent: Iterable[Sent]) -> list[int]:
        """Deliver these callbacks once each, in the order given (reverse them for disorder)."""
        return [status for one in sent for status in self.deliver(one)]

    def _notification(
        self, event_type: str, summary: str, original_type: str, url: str, resource: dict[str, Any]
    ) -> Sent:
        envelope = documents.notification(
            event_type,
            summary,
            original_type,
            resource,
            api_v3_key=self.api_v3_key,
            clock=self.clock,
        )
        sent = Sent(envelope["id"], event_type, url, json.dumps(envelope).encode())
        self.sent.append(sent)
        return sent

    # -- protocol -------------------------------------------------------------------------------

    def authenticate(self, method: str, target: str, headers: dict[str, str], body: str) -> str:
        """Why the request's signature is refused, or '' when it is good."""
        params = signing.parse_authorization(headers.get("authorization", ""))
        if params is None:
            return "Authorization is missing or not WECHATPAY2-SHA256-RSA2048"
        if params["mchid"] != self.mchid:
            return "mchid does not match"
        if params["serial_no"] != self.merchant_serial:
            return "serial_no is not the merchant's certificate serial"
        if not params["timestamp"].isdigit():
            return "timestamp is not a number"
        skew = abs(self.clock().timestamp() - int(params["timestamp"]))
        if skew > signing.MAX_SKEW_SECONDS:
            return "timestamp is out of the 5 minute window"
        message = signing.request_message(
            method, target, int(params["timestamp"]), params["nonce_str"], body
        )
        if not signing.verify(self.merchant_key.public_key(), message, params["signature"]):
            return "signature verification failed"
        return ""

    def answer(
        self, method: str, target: str, headers: dict[str, str], body: bytes
    ) -> tuple[Answer | bytes, bool]:
        """(JSON answer, or raw bill bytes; whether to hang up instead of answering)."""
        with self._lock:
            drop = self._script.drops > 0
            if drop:
                self._script.drops -= 1
            if self._script.failures:
                status, code = self._script.failures.popleft()
                return error(status, code, "scripted failure"), drop
            try:
                text = body.decode()
            except UnicodeDecodeError:
                return error(400, "PARAM_ERROR", "body is not UTF-8"), drop
            why = self.authenticate(method, target, headers, text)
            if why:
                return error(401, "SIGN_ERROR", why), drop
            url = urlsplit(target)
            query = dict(parse_qsl(url.query, keep_blank_values=True))
            try:
                data = json.loads(text) if text else {}
            except ValueError:
                return error(400, "PARAM_ERROR", "body is not JSON"), drop
            if not isinstance(data, dict):
                return error(400, "PARAM_ERROR", "body is not a JSON object"), drop
            return self._route(method, url.path, query, data), drop

    def _route(
        self, method: str, path: str, query: dict[str, str], data: dict[str, Any]
    ) -> Answer | bytes:
        ids = {"appid": self.appid, "mchid": self.mchid}
        if method == "POST" and path in _ORDER_PATHS:
            return fake_orders.create_order(self.orders, _ORDER_PATHS[path], data, **ids)
        if path.startswith(_TRADE_PREFIX):
            rest = path[len(_TRADE_PREFIX) :]
            if method == "GET" and "/" not in rest:
                return fake_orders.query_order(self.orders, unquote(rest), query, **ids)
            if method == "POST" and rest.endswith("/close") and rest.count("/") == 1:
                no = unquote(rest[: -len("/close")])
                return fake_orders.close_order(self.orders, no, data, mchid=self.mchid)
        if method == "POST" and path == _REFUNDS:
            return fake_orders.create_refund(self.orders, self.refunds, data, clock=self.clock)
        if method == "GET" and path.startswith(_REFUNDS + "/"):
            return fake_orders.query_refund(self.refunds, unquote(path[len(_REFUNDS) + 1 :]))
        if method == "GET" and path == _BILL:
            download_url = f"{self.base_url}{_DOWNLOAD}"
            return fake_bill.bill_link(
                query,
                self.orders.values(),
                self.refunds.values(),
                self._bills,
                download_url=download_url,
                **ids,
            )
        if method == "GET" and path == _DOWNLOAD:
            return fake_bill.download(self._bills, query.get("token", ""), self._script)
        return error(404, "NOT_FOUND", f"no {method} {path}")

    # -- the trade bill -------------------------------------------------------------------------

    def trade_bill(self, bill_date: str) -> bytes:
        """The ALL trade bill of a Beijing date: paid orders, then refunds finished that day."""
        return fake_bill.trade_bill(
            self.orders.values(),
            self.refunds.values(),
            bill_date,
            appid=self.appid,
            mchid=self.mchid,
        )

    def record(self, method: str, target: str, status: int) -> None:
        with self._lock:
            self.requests.append((method, target, status))

    def sign_headers(self, body: bytes, timestamp: int | None = None) -> dict[str, str]:
        """Headers signing `body` with the platform key, stamped now unless told otherwise."""
        stamp = timestamp if timestamp is not None else int(self.clock().timestamp())
        return signing.signed_headers(
            self.platform_key,
            self.platform_serial,
            body,
            timestamp=stamp,
            nonce_str=signing.nonce(),
        )


def _handler_for(fake: FakeWeChatPay) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self._handle("GET")

        def do_POST(self) -> None:
            self._handle("POST")

        def _handle(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {name.lower(): value for name, value in self.headers.items()}
            result, drop = fake.answer(method, self.path, headers, body)
            if drop:
                self.close_connection = True
                return
            if isinstance(result, bytes):  # a bill download: not signed, its hash vouches
                status, payload, extra = 200, result, {"Content-Type": "text/plain; charset=utf-8"}
            else:
                status, data = result
                payload = b"" if data is None else json.dumps(data, ensure_ascii=False).encode()
                extra = fake.sign_headers(payload)
                if data is not None:
                    extra["Content-Type"] = "application/json; charset=utf-8"
            extra["Request-ID"] = secrets.token_hex(16)
            fake.record(method, self.path, status)
            self.send_response(status)
            for name, value in extra.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output quiet

    return Handler
