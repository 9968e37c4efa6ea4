"""The fake WeChat Pay's in-memory records, and the small helpers its modules share.

Orders, refunds, the callbacks it made and their deliveries are plain dataclasses that tests read
through the fake (fake.orders, fake.refunds, fake.sent, fake.deliveries). The helpers make keys
and serials, write times and amounts as WeChat Pay writes them, and shape its error answers. They
live apart from the server so the documents and the bill can be built from the records alone.
"""

from __future__ import annotations

import secrets
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Final
from zoneinfo import ZoneInfo

from cryptography.hazmat.primitives.asymmetric import rsa

BEIJING: Final = ZoneInfo("Asia/Shanghai")

Answer = tuple[int, Any]  # (status, JSON body or None for 204)


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def new_serial() -> str:
    """A certificate serial as WeChat Pay shows them: 40 upper-case hex digits."""
    return secrets.token_hex(20).upper()


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(BEIJING).isoformat(timespec="seconds")


def yuan(fen: int) -> str:
    return str((Decimal(fen) / 100).quantize(Decimal("0.01")))


def fee_yuan(millifen: int) -> str:
    return str((Decimal(millifen) / 100_000).quantize(Decimal("0.00001")))


def error(status: int, code: str, message: str) -> Answer:
    return status, {"code": code, "message": message}


@dataclass
class FakeOrder:
    out_trade_no: str
    trade_type: str
    request: dict[str, Any]  # the body as first received, to recognise a repeat
    total_fen: int
    notify_url: str
    description: str
    attach: str | None
    prepay: dict[str, str]  # {"code_url": ...} or {"prepay_id": ...}
    trade_state: str = "NOTPAY"
    trade_state_desc: str = "未支付"
    transaction_id: str | None = None
    payer_openid: str | None = None
    success_time: datetime | None = None
    refunded_fen: int = 0


@dataclass
class FakeRefund:
    out_refund_no: str
    refund_id: str
    order: FakeOrder
    refund_fen: int
    request: dict[str, Any]
    notify_url: str | None
    created: datetime
    status: str = "PROCESSING"
    success_time: datetime | None = None


@dataclass(frozen=True)
class Sent:
    """A callback the fake made: the same body is delivered every time, headers re-signed."""

    event_id: str
    event_type: str
    url: str
    body: bytes


@dataclass(frozen=True)
class Delivery:
    event_id: str
    event_type: str
    status: int  # the receiver's HTTP status; 0 when it could not be reached


@dataclass
class Script:
    """What the tests scripted for the next requests: errors, lost answers, a tampered bill."""

    failures: deque[tuple[int, str]] = field(default_factory=deque)
    drops: int = 0
    tamper_bill: bool = False
