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
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Final, Literal
from zoneinfo import ZoneInfo

import httpx
import msgspec

from domain.errors import InvalidInput, UpstreamUnavailable
from domain.market.payments import (
    BillEntry,
    BillState,
    ForgedNotice,
    PaymentNotice,
    PaymentRefused,
    PaymentState,
    PaymentStatus,
    Prepared,
    RefundNotice,
    RefundState,
)
from integrations.payments.wechatpay import aead, models, signing
from integrations.payments.wechatpay.bill import BillRow
from integrations.payments.wechatpay.client import BASE_URL, MerchantConfig, WeChatPayClient
from integrations.payments.wechatpay.errors import (
    ApiError,
    BillRejected,
    MalformedMessage,
    PaymentUnavailable,
    WeChatPayError,
)
from integrations.payments.wechatpay.notifications import (
    ALGORITHM,
    Envelope,
    Notification,
    parse_notification,
)

log = logging.getLogger(__name__)

_TRADE_STATES: Final[dict[str, PaymentState]] = {
    "SUCCESS": "paid",
    "NOTPAY": "unpaid",
    "USERPAYING": "unpaid",
    "CLOSED": "closed",
    "REVOKED": "closed",
    "REFUND": "refunded",
    "PAYERROR": "failed",
}
_REFUND_STATES: Final[dict[str, RefundState]] = {
    "SUCCESS": "succeeded",
    "PROCESSING": "processing",
    "ABNORMAL": "failed",
    "CLOSED": "failed",
}
_REFUND_EVENTS: Final[dict[str, RefundState]] = {
    "REFUND.SUCCESS": "succeeded",
    "REFUND.ABNORMAL": "failed",
    "REFUND.CLOSED": "failed",
}
_BILL_STATES: Final[dict[str, BillState]] = {
    "SUCCESS": "paid",
    "REFUND": "refunded",
    "REVOKED": "revoked",
}
_BILL_TIME: Final = "%Y-%m-%d %H:%M:%S"  # Beijing time, as the bill writes it
_BEIJING: Final = ZoneInfo("Asia/Shanghai")
_KNOWN_KINDS: Final = ("TRANSACTION", "REFUND")  # what parse_notification decodes
_REASON_MAX: Final = 80  # WeChat Pay's limit on a refund's reason, in characters


class _EventType(msgspec.Struct):
    event_type: str = ""


_event_type: Final = msgspec.json.Decoder(_EventType)
_envelope: Final = msgspec.json.Decoder(Envelope)


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
        self._mchid = config.mchid
        self._platform_keys = dict(config.platform_keys)
        self._api_v3_key = api_v3_key
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
        with _translated(f"prepare {order_no}"):
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
        with _translated(f"status {order_no}"):
            try:
                found = await self._client.query_order(order_no)
            except ApiError as exc:
                if exc.wechat_code == "ORDER_NOT_EXIST":
                    return PaymentStatus(order_no=order_no, state="closed")
                raise
            return _status(order_no, found)

    async def close(self, order_no: str) -> None:
        with _translated(f"close {order_no}"):
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
        with _translated(f"refund {refund_no}"):
            answer = await self._client.refund(
                out_trade_no=order_no,
                out_refund_no=refund_no,
                refund_fen=amount_fen,
                total_fen=total_fen,
                reason=reason[:_REASON_MAX] or None,
                notify_url=self.refund_notify_url,
            )
        state = _REFUND_STATES.get(answer.status)
        if state is None:  # a status WeChat Pay added since: its callback will tell
            log.warning("wechatpay refund %s has unknown status %s", refund_no, answer.status)
            return "processing"
        return state

    async def trade_bill(self, day: date) -> list[BillEntry]:
        bill_date = day.isoformat()
        with _translated(f"trade bill {bill_date}"):
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
        return [_bill_entry(row) for row in found.rows]

    # -- callbacks ------------------------------------------------------------------------------

    def read_notice(
        self, headers: Mapping[str, str], body: bytes, now: datetime
    ) -> PaymentNotice | RefundNotice | None:
        """The verified notice in a callback; None for a verified event the market does not use
        (answer it 2xx all the same); ForgedNotice for anything that does not verify."""
        try:
            kind = _event_type.decode(body).event_type.partition(".")[0]
        except msgspec.DecodeError:
            kind = ""  # parse_notification says what is wrong with it
        try:
            if kind and kind not in _KNOWN_KINDS:
                self._verify_other(headers, body, now)
                return None
            notification = parse_notification(
                headers, body, self._platform_keys, self._api_v3_key, now
            )
            return self._notice(notification)
        except WeChatPayError as exc:
            log.warning("wechatpay callback refused: %s", exc.code)
            raise ForgedNotice(
                "the payment notification does not verify", reason=exc.code
            ) from None

    def _verify_other(self, headers: Mapping[str, str], body: bytes, now: datetime) -> None:
        """Signature and decryption of an event parse_notification does not decode."""
        signing.verify_signed(headers, body, self._platform_keys, now)
        try:
            resource = _envelope.decode(body).resource
        except msgspec.DecodeError:
            raise MalformedMessage("the callback body is not a notification") from None
        if resource.algorithm != ALGORITHM:
            raise MalformedMessage(f"unsupported resource algorithm {resource.algorithm!r}")
        aead.decrypt(
            self._api_v3_key,
            nonce=resource.nonce,
            associated_data=resource.associated_data,
            ciphertext=resource.ciphertext,
        )

    def _notice(self, notification: Notification) -> PaymentNotice | RefundNotice | None:
        event_id, event_type, resource = (
            notification.event_id,
            notification.event_type,
            notification.resource,
        )
        if resource.mchid != self._mchid:
            raise MalformedMessage("the notification is for another merchant")
        if isinstance(resource, models.Transaction):
            if event_type != "TRANSACTION.SUCCESS":
                return None
            paid = _status(resource.out_trade_no, resource)
            if paid.state != "paid":
                raise MalformedMessage("TRANSACTION.SUCCESS for an order that is not paid")
            assert paid.transaction_id and paid.amount_fen is not None and paid.paid_at
            return PaymentNotice(
                event_id=event_id,
                order_no=paid.order_no,
                transaction_id=paid.transaction_id,
                amount_fen=paid.amount_fen,
                paid_at=paid.paid_at,
            )
        state = _REFUND_EVENTS.get(event_type)
        if state is None:
            return None
        return RefundNotice(
            event_id=event_id,
            order_no=resource.out_trade_no,
            refund_no=resource.out_refund_no,
            state=state,
            amount_fen=resource.amount.refund,
            refunded_at=(
                _instant(resource.success_time, "success_time") if state == "succeeded" else None
            ),
        )


def _status(order_no: str, found: models.Transaction) -> PaymentStatus:
    state = _TRADE_STATES.get(found.trade_state)
    if state is None:
        raise MalformedMessage(f"unknown trade_state {found.trade_state!r}")
    if state not in ("paid", "refunded"):
        return PaymentStatus(order_no=order_no, state=state)
    if found.transaction_id is None or found.amount is None or found.amount.total is None:
        raise MalformedMessage(f"a {found.trade_state} order without transaction or amount")
    return PaymentStatus(
        order_no=order_no,
        state=state,
        transaction_id=found.transaction_id,
        amount_fen=found.amount.total,
        paid_at=_instant(found.success_time, "success_time"),
    )


def _bill_entry(row: BillRow) -> BillEntry:
    """A bill line in the port's terms (amounts are fen already, bill.py)."""
    state = _BILL_STATES.get(row.trade_state, "other")
    try:
        at = datetime.strptime(row.traded_at, _BILL_TIME).replace(tzinfo=_BEIJING)
    except ValueError:
        raise UpstreamUnavailable(
            f"a WeChat Pay bill line has no readable time ({row.traded_at!r})",
            code="bill_malformed",
        ) from None
    return BillEntry(
        order_no=row.out_trade_no,
        transaction_id=row.transaction_id,
        state=state,
        amount_fen=row.order_fen or row.settlement_fen,
        refund_fen=(row.requested_refund_fen or row.refund_fen) if state == "refunded" else 0,
        refund_no=row.out_refund_no if state == "refunded" and row.out_refund_no else None,
        at=at.astimezone(UTC),
    )


def _instant(text: str | None, name: str) -> datetime:
    """An RFC 3339 time as WeChat Pay writes it (2025-03-01T10:34:56+08:00), in UTC."""
    try:
        moment = datetime.fromisoformat(text) if text else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise MalformedMessage(f"{name} is missing or not an RFC 3339 time")
    return moment.astimezone(UTC)


@contextmanager
def _translated(what: str) -> Iterator[None]:
    """WeChat Pay's failures in the port's terms (module docstring)."""
    try:
        yield
    except PaymentUnavailable as exc:
        raise UpstreamUnavailable(
            "WeChat Pay did not answer; try again", code="payment_unavailable"
        ) from exc
    except httpx.HTTPError as exc:
        log.warning("wechatpay %s: %s", what, type(exc).__name__)
        raise UpstreamUnavailable(
            "WeChat Pay did not answer; try again", code="payment_unavailable"
        ) from None
    except ApiError as exc:
        if 400 <= exc.status < 500:
            raise PaymentRefused(
                f"WeChat Pay refused ({exc.wechat_code})", wechat_code=exc.wechat_code
            ) from None
        raise UpstreamUnavailable(
            f"WeChat Pay answered {exc.status} ({exc.wechat_code}); try again",
            code="payment_unavailable",
        ) from None
    except WeChatPayError as exc:  # an answer that does not verify or is not WeChat Pay's
        log.error("wechatpay %s: answer refused (%s)", what, exc.code)
        raise UpstreamUnavailable(
            "WeChat Pay's answer could not be trusted; try again", code="payment_unavailable"
        ) from None
