"""The WeChat Pay API v3 client (直连商户): orders, query, close, refunds and the trade bill.

Every request is signed with the merchant's key and every answer is verified with a platform key
before anything in it is read; a failed verification is never retried, it is raised. Secrets (the
merchant key, the APIv3 key) never reach a log or an error message.

Retries (integrations/retries.py) are safe for every call here, and only because of how WeChat Pay
keys them: queries and downloads are GETs; an order, a close and a refund are deduplicated by
WeChat Pay on out_trade_no / out_refund_no, and its documentation asks to retry SYSTEM_ERROR with
the same parameters. So a retry after a lost answer finds the order or refund the first attempt
made, and never pays or refunds twice. What is retried: network errors and timeouts, 5xx, 429
(FREQUENCY_LIMITED). A 4xx is WeChat Pay's verdict: ApiError, not retried. Each attempt is signed
afresh (new timestamp and nonce).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final, TypeVar
from urllib.parse import quote

import httpx
import msgspec
from cryptography.hazmat.primitives.asymmetric import rsa

from integrations.payments.wechatpay import bill, signing
from integrations.payments.wechatpay.errors import (
    ApiError,
    BillRejected,
    MalformedMessage,
    PaymentUnavailable,
)
from integrations.payments.wechatpay.models import (
    Amount,
    BillLink,
    CloseRequest,
    ErrorBody,
    JsapiPrepay,
    NativePrepay,
    OrderRequest,
    Payer,
    Refund,
    RefundRequest,
    RefundRequestAmount,
    Transaction,
)
from integrations.retries import Transient, with_retries

log = logging.getLogger(__name__)

BASE_URL: Final = "https://api.mch.weixin.qq.com"
T = TypeVar("T")

_encoder: Final = msgspec.json.Encoder()
_error: Final = msgspec.json.Decoder(ErrorBody)


@dataclass(frozen=True)
class MerchantConfig:
    """A merchant's WeChat Pay identity: what the later settings will load from files."""

    mchid: str
    appid: str
    serial_no: str  # the serial of the merchant API certificate the private key belongs to
    private_key: rsa.RSAPrivateKey = field(repr=False)
    platform_keys: signing.PlatformKeys = field(repr=False)  # platform serial -> public key


class JsapiOrder(msgspec.Struct, frozen=True):
    prepay_id: str
    pay_params: signing.JsapiPayParams  # hand these to wx.requestPayment as they are


def _rfc3339(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise ValueError("time_expire must be timezone-aware")
    return moment.isoformat(timespec="seconds")


class WeChatPayClient:
    """Async WeChat Pay v3 client; use as an async context manager or call aclose()."""

    def __init__(
        self,
        config: MerchantConfig,
        *,
        base_url: str = BASE_URL,
        timeout: float = 10.0,
        retries: int = 2,
        backoff: float = 0.3,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if retries < 0:
            raise ValueError("retries must be >= 0")
        self._config = config
        self._retries = retries
        self._backoff = backoff
        self._clock = clock
        self._http = httpx.AsyncClient(
            base_url=base_url, timeout=httpx.Timeout(timeout), transport=transport
        )

    def __repr__(self) -> str:
        return (
            f"WeChatPayClient(mchid={self._config.mchid!r}, base_url={str(self._http.base_url)!r})"
        )

    async def __aenter__(self) -> WeChatPayClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # -- orders ---------------------------------------------------------------------------------

    async def create_native_order(
        self,
        *,
        out_trade_no: str,
        description: str,
        amount_fen: int,
        notify_url: str,
        time_expire: datetime | None = None,
        attach: str | None = None,
    ) -> str:
        """A Native (QR code) order for a PC; returns the code_url to show as a QR code."""
        body = self._order(out_trade_no, description, amount_fen, notify_url, time_expire, attach)
        answer = await self._call(
            "POST", "/v3/pay/transactions/native", body=body, decode=NativePrepay
        )
        return answer.code_url

    async def create_jsapi_order(
        self,
        *,
        out_trade_no: str,
        description: str,
        amount_fen: int,
        notify_url: str,
        payer_openid: str,
        time_expire: datetime | None = None,
        attach: str | None = None,
    ) -> JsapiOrder:
        """A JSAPI (mini-app) order; returns the prepay_id and signed requestPayment params."""
        body = self._order(out_trade_no, description, amount_fen, notify_url, time_expire, attach)
        body.payer = Payer(openid=payer_openid)
        answer = await self._call(
            "POST", "/v3/pay/transactions/jsapi", body=body, decode=JsapiPrepay
        )
        params = signing.jsapi_pay_params(
            appid=self._config.appid,
            prepay_id=answer.prepay_id,
            private_key=self._config.private_key,
            timestamp=int(self._clock().timestamp()),
            nonce_str=signing.nonce(),
        )
        return JsapiOrder(prepay_id=answer.prepay_id, pay_params=params)

    def _order(
        self,
        out_trade_no: str,
        description: str,
        amount_fen: int,
        notify_url: str,
        time_expire: datetime | None,
        attach: str | None,
    ) -> OrderRequest:
        if amount_fen < 1:
            raise ValueError("an order's amount must be at least 1 fen")
        return OrderRequest(
            appid=self._config.appid,
            mchid=self._config.mchid,
            description=description,
            out_trade_no=out_trade_no,
            notify_url=notify_url,
            amount=Amount(total=amount_fen),
            time_expire=_rfc3339(time_expire),
            attach=attach,
        )

    async def query_order(self, out_trade_no: str) -> Transaction:
        """The order's state (ApiError ORDER_NOT_EXIST when WeChat Pay has none)."""
        return await self._call(
            "GET",
            f"/v3/pay/transactions/out-trade-no/{quote(out_trade_no, safe='')}",
            params={"mchid": self._config.mchid},
            decode=Transaction,
        )

    async def close_order(self, out_trade_no: str) -> None:
        """Close an unpaid order (204). Closing a closed order again is harmless."""
        await self._call(
            "POST",
            f"/v3/pay/transactions/out-trade-no/{quote(out_trade_no, safe='')}/close",
            body=CloseRequest(mchid=self._config.mchid),
            decode=None,
        )

    # -- refunds --------------------------------------------------------------------------------

    async def refund(
        self,
        *,
        out_trade_no: str,
        out_refund_no: str,
        refund_fen: int,
        total_fen: int,
        reason: str | None = None,
        notify_url: str | None = None,
    ) -> Refund:
        """Ask for a refund of a paid order; usually PROCESSING until the REFUND callback."""
        if refund_fen < 1 or refund_fen > total_fen:
            raise ValueError("a refund is between 1 fen and the order's total")
        body = RefundRequest(
            out_trade_no=out_trade_no,
            out_refund_no=out_refund_no,
            amount=RefundRequestAmount(refund=refund_fen, total=total_fen),
            reason=reason,
            notify_url=notify_url,
        )
        return await self._call("POST", "/v3/refund/domestic/refunds", body=body, decode=Refund)

    async def query_refund(self, out_refund_no: str) -> Refund:
        return await self._call(
            "GET",
            f"/v3/refund/domestic/refunds/{quote(out_refund_no, safe='')}",
            decode=Refund,
        )

    # -- bills ----------------------------------------------------------------------------------

    async def trade_bill_link(self, bill_date: str, bill_type: str = "ALL") -> BillLink:
        """Where the trade bill of `bill_date` (YYYY-MM-DD, Beijing) is, and its hash."""
        return await self._call(
            "GET",
            "/v3/bill/tradebill",
            params={"bill_date": bill_date, "bill_type": bill_type},
            decode=BillLink,
        )

    async def download_trade_bill(self, bill_date: str) -> bill.TradeBill:
        """The trade bill of `bill_date`, hash-checked and parsed (BillRejected otherwise).

        The download answer is not signed by WeChat Pay: the announced hash, which came in a
        signed answer, is what vouches for it. The download URL must be on our base URL's origin,
        so a signed Authorization is never sent elsewhere.
        """
        link = await self.trade_bill_link(bill_date)
        url = httpx.URL(link.download_url)
        base = self._http.base_url
        if (url.scheme, url.host, url.port) != (base.scheme, base.host, base.port):
            raise BillRejected("the bill download URL is on another host", code="bill_malformed")
        content = await self._with_retries(
            lambda: self._send("GET", url.raw_path.decode(), None, None), "bill download"
        )
        if content.status_code != 200:
            raise self._api_error(content)
        bill.check_hash(content.content, link.hash_type, link.hash_value)
        return bill.parse_trade_bill(content.content)

    # -- transport ------------------------------------------------------------------------------

    async def _call(
        self,
        method: str,
        path: str,
        *,
        decode: type[T] | None,
        body: msgspec.Struct | None = None,
        params: dict[str, str] | None = None,
    ) -> Any:
        payload = _encoder.encode(body) if body is not None else None
        response = await self._with_retries(
            lambda: self._send(method, path, params, payload), f"wechatpay {method} {path}"
        )
        signing.verify_signed(
            response.headers, response.content, self._config.platform_keys, self._clock()
        )
        if response.status_code >= 400:
            raise self._api_error(response)
        if decode is None:
            return None
        try:
            return msgspec.json.decode(response.content, type=decode)
        except msgspec.DecodeError:
            raise MalformedMessage(f"unexpected answer to {method} {path}") from None

    async def _with_retries(self, call: Callable[[], Any], what: str) -> httpx.Response:
        return await with_retries(
            call,
            retries=self._retries,
            backoff=self._backoff,
            what=what,
            unavailable=PaymentUnavailable,
        )

    async def _send(
        self, method: str, path: str, params: dict[str, str] | None, payload: bytes | None
    ) -> httpx.Response:
        """One signed attempt; Transient for what may be retried."""
        request = self._http.build_request(method, path, params=params, content=payload)
        target = request.url.raw_path.decode()  # path and query exactly as sent
        body = payload.decode() if payload is not None else ""
        request.headers["Authorization"] = signing.authorization(
            mchid=self._config.mchid,
            serial_no=self._config.serial_no,
            private_key=self._config.private_key,
            method=method,
            path=target,
            body=body,
            timestamp=int(self._clock().timestamp()),
            nonce_str=signing.nonce(),
        )
        request.headers["Accept"] = "application/json"
        if payload is not None:
            request.headers["Content-Type"] = "application/json"
        try:
            response = await self._http.send(request)
        except httpx.HTTPError as exc:
            raise Transient(type(exc).__name__) from None
        if response.status_code >= 500 or response.status_code == 429:
            raise Transient(f"HTTP {response.status_code}")
        return response

    @staticmethod
    def _api_error(response: httpx.Response) -> ApiError:
        try:
            error = _error.decode(response.content)
        except msgspec.DecodeError:
            error = ErrorBody(code="UNKNOWN", message="unparseable error answer")
        log.warning("wechatpay HTTP %d %s: %s", response.status_code, error.code, error.message)
        return ApiError(response.status_code, error.code, error.message)
