"""The payment port: what the market asks of a payment service (WeChat Pay v3 in production, its
fake in tests and demos), and the verified notices it hands back. The adapter lives in
integrations/payments/wechatpay/gateway.py; nothing here knows its protocol.

An order's number at the payment service (`order_no`, WeChat Pay's out_trade_no) is the order's
id; a refund's (`refund_no`, out_refund_no) is the refund's. Calls may raise UpstreamUnavailable
(the service did not answer; the same call may be made again, it is deduplicated on the number)
or PaymentRefused (the service answered no).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Literal, Protocol

import msgspec

from domain.errors import Conflict, Unauthenticated

PaymentState = Literal["paid", "unpaid", "closed", "refunded", "failed"]
RefundState = Literal["succeeded", "processing", "failed"]
BillState = Literal["paid", "refunded", "revoked", "other"]


class PaymentRefused(Conflict):
    """The payment service refused the call (its verdict, not an outage)."""

    code = "payment_refused"


class ForgedNotice(Unauthenticated):
    """A payment notice we refuse: bad or missing signature, stale timestamp, unknown key serial,
    a resource that does not decrypt, or a body that is not a notice. Nothing in it is true."""

    code = "invalid_notification"


class Prepared(msgspec.Struct, frozen=True, kw_only=True):
    """What the payer needs: a QR code's URL (native) or the mini-app's requestPayment
    parameters (jsapi)."""

    code_url: str | None = None
    jsapi: dict[str, str] | None = None


class PaymentStatus(msgspec.Struct, frozen=True, kw_only=True):
    """An order as the payment service sees it."""

    order_no: str
    state: PaymentState
    transaction_id: str | None = None
    amount_fen: int | None = None
    paid_at: datetime | None = None


class PaymentNotice(msgspec.Struct, frozen=True, kw_only=True):
    """A verified notice that an order was paid (`event_id` is the service's, for the inbox)."""

    event_id: str
    order_no: str
    transaction_id: str
    amount_fen: int
    paid_at: datetime


class RefundNotice(msgspec.Struct, frozen=True, kw_only=True):
    """A verified notice that a refund ended (succeeded, or failed and must be looked at)."""

    event_id: str
    order_no: str
    refund_no: str
    state: RefundState
    amount_fen: int
    refunded_at: datetime | None = None


class BillEntry(msgspec.Struct, frozen=True, kw_only=True):
    """One line of the payment service's daily trade bill: a payment (`paid`, `amount_fen`
    taken), a refund that ended that day (`refunded`, `refund_fen` given back, `refund_no`), or a
    line the market does not make (`revoked`, `other`). `at` is when it happened, in UTC."""

    order_no: str
    transaction_id: str
    state: BillState
    amount_fen: int
    refund_fen: int = 0
    refund_no: str | None = None
    at: datetime


class PaymentGateway(Protocol):
    async def prepare(
        self,
        *,
        order_no: str,
        channel: Literal["native", "jsapi"],
        description: str,
        amount_fen: int,
        expires_at: datetime,
        payer_openid: str | None = None,
    ) -> Prepared: ...

    async def status(self, order_no: str) -> PaymentStatus: ...

    async def close(self, order_no: str) -> None: ...

    async def refund(
        self, *, order_no: str, refund_no: str, amount_fen: int, total_fen: int, reason: str
    ) -> RefundState: ...

    def read_notice(
        self, headers: Mapping[str, str], body: bytes, now: datetime
    ) -> PaymentNotice | RefundNotice | None:
        """A callback verified and decrypted (ForgedNotice if it is not genuine and fresh);
        None for a genuine notice the market does not act on."""
        ...

    async def trade_bill(self, day: date) -> list[BillEntry]:
        """The lines of the trade bill of `day` (a Beijing calendar day; empty when nothing was
        traded). UpstreamUnavailable when it cannot be had or its hash does not match."""
        ...
