"""WeChat Pay's terms in the market's (domain/market/payments.py): trade, refund and bill
states, times, and its failures as the port's errors (see gateway.py for the whole mapping)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Final
from zoneinfo import ZoneInfo

import httpx

from domain.errors import UpstreamUnavailable
from domain.market.payments import (
    BillEntry,
    BillState,
    PaymentRefused,
    PaymentState,
    PaymentStatus,
    RefundState,
)
from integrations.payments.wechatpay import models
from integrations.payments.wechatpay.bill import BillRow
from integrations.payments.wechatpay.errors import (
    ApiError,
    MalformedMessage,
    PaymentUnavailable,
    WeChatPayError,
)

log = logging.getLogger(__name__)

TRADE_STATES: Final[dict[str, PaymentState]] = {
    "SUCCESS": "paid",
    "NOTPAY": "unpaid",
    "USERPAYING": "unpaid",
    "CLOSED": "closed",
    "REVOKED": "closed",
    "REFUND": "refunded",
    "PAYERROR": "failed",
}
REFUND_STATES: Final[dict[str, RefundState]] = {
    "SUCCESS": "succeeded",
    "PROCESSING": "processing",
    "ABNORMAL": "failed",
    "CLOSED": "failed",
}
REFUND_EVENTS: Final[dict[str, RefundState]] = {
    "REFUND.SUCCESS": "succeeded",
    "REFUND.ABNORMAL": "failed",
    "REFUND.CLOSED": "failed",
}
BILL_STATES: Final[dict[str, BillState]] = {
    "SUCCESS": "paid",
    "REFUND": "refunded",
    "REVOKED": "revoked",
}
BILL_TIME: Final = "%Y-%m-%d %H:%M:%S"  # Beijing time, as the bill writes it
BEIJING: Final = ZoneInfo("Asia/Shanghai")


def status_of(order_no: str, found: models.Transaction) -> PaymentStatus:
    state = TRADE_STATES.get(found.trade_state)
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
        paid_at=instant(found.success_time, "success_time"),
    )


def bill_entry(row: BillRow) -> BillEntry:
    """A bill line in the port's terms (amounts are fen already, bill.py)."""
    state = BILL_STATES.get(row.trade_state, "other")
    try:
        at = datetime.strptime(row.traded_at, BILL_TIME).replace(tzinfo=BEIJING)
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


def instant(text: str | None, name: str) -> datetime:
    """An RFC 3339 time as WeChat Pay writes it (2025-03-01T10:34:56+08:00), in UTC."""
    try:
        moment = datetime.fromisoformat(text) if text else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise MalformedMessage(f"{name} is missing or not an RFC 3339 time")
    return moment.astimezone(UTC)


@contextmanager
def translated(what: str) -> Iterator[None]:
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
