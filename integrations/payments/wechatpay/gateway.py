"""The market's PaymentGateway (domain/market/payments.py) over WeChat Pay API v3.

Turns the port's calls into WeChatPayClient calls and WeChat Pay's answers into the port's terms:

- prepare: a Native order (the QR code's code_url) or a JSAPI order (wx.requestPayment's
  parameters), expiring at `expires_at`, its callbacks to our notify URL;
- status: trade_state SUCCESS -> paid, NOTPAY / USERPAYING -> unpaid, CLOSED / REVOKED -> closed,
  REFUND -> refunded, PAYERROR -> failed; an order WeChat Pay never heard of (ORDER_NOT_EXIST)
  is closed, since nothing can ever be paid on it;
- close: closing a closed or unknown order again is fine; a paid order refuses with PaymentRefused
  code "order_paid", so the caller queries and settles instead of releasing the units;
- refund: SUCCESS -> succeeded, PROCESSING -> processing, ABNORMAL / CLOSED -> failed;
- read_notice: a callback verified and decrypted (notifications.py), or ForgedNotice;
- trade_bill: the ALL trade bill of a Beijing date, hash-checked and parsed (bill.py), its lines
  as BillEntry: SUCCESS -> paid (订单金额), REFUND -> refunded (申请退款金额), REVOKED -> revoked;
  a day without trades (NO_STATEMENT_EXIST) is an empty bill, and a bill whose hash or totals do
  not match is UpstreamUnavailable (its code `bill_hash_mismatch` or `bill_malformed`).

Failures: no answer (after the client's safe retries) or an answer that does not verify is
UpstreamUnavailable ("payment_unavailable": the same call may be made again); a 4xx is WeChat
Pay's verdict, PaymentRefused with its code (`wechat_code`). Nothing here writes to a database.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date, datetime
from typing import Final, Literal

import msgspec

from domain.errors import InvalidInput, UpstreamUnavailable
from domain.market.payments import (
    BillEntry,
    PaymentNotice,
    PaymentRefused,
    PaymentStatus,
    Prepared,
    RefundNotice,
    RefundState,
)
from integrations.payments.wechatpay import aead
from integrations.payments.wechatpay.callbacks import NoticeReader
from integrations.payments.wechatpay.client import BASE_URL, MerchantConfig, WeChatPayClient
from integrations.payments.wechatpay.errors import ApiError, BillRejected
from integrations.payments.wechatpay.terms import (
    REFUND_STATES,
    bill_entry,
    status_of,
    translated,
)

log = logging.getLogger(__name__)

_REASON_MAX: Final = 80  # WeChat Pay's limit on a refund's reason, in characters


class WeChatPayGateway:
    """PaymentGateway for one merchant; call aclose() when done (it owns its client)."""

    def __init__(
        self,
        client: WeChatPayClient,
        config: MerchantConfig,
        *,
        api_v3_key: bytes,
        notify_url: str,
        refund_notify_url: str,
    ) -> None:
        self._client = client
        self._notices = NoticeReader(
            mchid=config.mchid, platform_keys=config.platform_keys, api_v3_key=api_v3_key
        )
        self.notify_url = notify_url
        self.refund_notify_url = refund_notify_url

    @classmethod
    def connect(
        cls,
        config: MerchantConfig,
        *,
        api_v3_key: bytes,
        notify_url: str,
        refund_notify_url: str,
        base_url: str = BASE_URL,
        timeout: float = 10.0,
        retries: int = 2,
        backoff: float = 0.3,
    ) -> WeChatPayGateway:
        """A gateway with its own client for `config` at `base_url`."""
        if len(api_v3_key) != aead.KEY_BYTES:
            raise ValueError(f"the APIv3 key must be {aead.KEY_BYTES} bytes")
        client = WeChatPayClient(
            config, base_url=base_url, timeout=timeout, retries=retries, backoff=backoff
        )
        return cls(
            client,
            config,
            api_v3_key=api_v3_key,
            notify_url=notify_url,
            refund_notify_url=refund_notify_url,
        )

    def __repr__(self) -> str:
        return f"WeChatPayGateway({self._client!r})"

    async def aclose(self) -> None:
        await self._client.aclose()

    # -- the port -------------------------------------------------------------------------------

    async def prepare(
        self,
        *,
        order_no: str,
        channel: Literal["native", "jsapi"],
        description: str,
        amount_fen: int,
        expires_at: datetime,
        payer_openid: str | None = None,
    ) -> Prepared:
        with translated(f"prepare {order_no}"):
            if channel == "native":
                code_url = await self._client.create_native_order(
                    out_trade_no=order_no,
                    description=description,
                    amount_fen=amount_fen,
                    notify_url=self.notify_url,
                    time_expire=expires_at,
                )
                return Prepared(code_url=code_url)
            if not payer_openid:
                raise InvalidInput(
                    "a mini-app payment needs the payer's openid", code="payer_openid_required"
                )
            order = await self._client.create_jsapi_order(
                out_trade_no=order_no,
                description=description,
                amount_fen=amount_fen,
                notify_url=self.notify_url,
                payer_openid=payer_openid,
                time_expire=expires_at,
            )
            params = msgspec.to_builtins(order.pay_params)  # appId, timeStamp, ... as WeChat
            return Prepared(jsapi={name: str(value) for name, value in params.items()})

    async def status(self, order_no: str) -> PaymentStatus:
        with translated(f"status {order_no}"):
            try:
                found = await self._client.query_order(order_no)
            except ApiError as exc:
                if exc.wechat_code == "ORDER_NOT_EXIST":
                    return PaymentStatus(order_no=order_no, state="closed")
                raise
            return status_of(order_no, found)

    async def close(self, order_no: str) -> None:
        with translated(f"close {order_no}"):
            try:
                await self._client.close_order(order_no)
            except ApiError as exc:
                if exc.wechat_code in ("ORDER_NOT_EXIST", "ORDER_CLOSED"):
                    return  # nothing can be paid on it: as closed as it gets
                if exc.wechat_code == "ORDERPAID":
                    raise PaymentRefused(
                        f"order {order_no} is paid and cannot be closed; query and settle it",
                        code="order_paid",
                        wechat_code=exc.wechat_code,
                    ) from None
                raise

    async def refund(
        self, *, order_no: str, refund_no: str, amount_fen: int, total_fen: int, reason: str
    ) -> RefundState:
        with translated(f"refund {refund_no}"):
            answer = await self._client.refund(
                out_trade_no=order_no,
                out_refund_no=refund_no,
                refund_fen=amount_fen,
                total_fen=total_fen,
                reason=reason[:_REASON_MAX] or None,
                notify_url=self.refund_notify_url,
            )
        state = REFUND_STATES.get(answer.status)
        if state is None:  # a status WeChat Pay added since: its callback will tell
            log.warning("wechatpay refund %s has unknown status %s", refund_no, answer.status)
            return "processing"
        return state

    async def trade_bill(self, day: date) -> list[BillEntry]:
        bill_date = day.isoformat()
        with translated(f"trade bill {bill_date}"):
            try:
                found = await self._client.download_trade_bill(bill_date)
            except ApiError as exc:
                if exc.wechat_code == "NO_STATEMENT_EXIST":
                    return []  # nothing was traded that day
                raise
            except BillRejected as exc:
                log.error("wechatpay trade bill %s refused: %s", bill_date, exc.code)
                raise UpstreamUnavailable(
                    f"the WeChat Pay trade bill of {bill_date} could not be trusted ({exc}); "
                    "nothing was reconciled, try again",
                    code=exc.code,
                ) from None
        return [bill_entry(row) for row in found.rows]

    # -- callbacks ------------------------------------------------------------------------------

    def read_notice(
        self, headers: Mapping[str, str], body: bytes, now: datetime
    ) -> PaymentNotice | RefundNotice | None:
        """The verified notice in a callback (callbacks.py), or ForgedNotice."""
        return self._notices.read(headers, body, now)
