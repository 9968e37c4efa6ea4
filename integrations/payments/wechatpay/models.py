"""The JSON WeChat Pay API v3 sends and receives, as msgspec structs; amounts in integer fen.

Field names are WeChat Pay's own. Answers ignore fields we do not know (WeChat Pay adds fields
over time); optional fields are None when WeChat Pay leaves them out (e.g. an unpaid order has
no transaction_id, payer nor success_time).
"""

from __future__ import annotations

import msgspec

CURRENCY = "CNY"


class Amount(msgspec.Struct, omit_defaults=True):
    total: int
    currency: str = CURRENCY


class Payer(msgspec.Struct):
    openid: str


class OrderRequest(msgspec.Struct, omit_defaults=True):
    """The body of a Native or JSAPI order (`payer` only for JSAPI)."""

    appid: str
    mchid: str
    description: str
    out_trade_no: str
    notify_url: str
    amount: Amount
    time_expire: str | None = None  # RFC 3339, e.g. 2025-03-01T10:34:56+08:00
    attach: str | None = None
    payer: Payer | None = None


class NativePrepay(msgspec.Struct):
    code_url: str


class JsapiPrepay(msgspec.Struct):
    prepay_id: str


class CloseRequest(msgspec.Struct):
    mchid: str


class TransactionAmount(msgspec.Struct):
    total: int | None = None
    payer_total: int | None = None
    currency: str | None = None
    payer_currency: str | None = None


class Transaction(msgspec.Struct):
    """An order as the query answers it, and the resource of a TRANSACTION.* callback.

    trade_state: SUCCESS, REFUND, NOTPAY, CLOSED, REVOKED, USERPAYING or PAYERROR.
    """

    mchid: str
    out_trade_no: str
    trade_state: str
    appid: str | None = None
    transaction_id: str | None = None
    trade_type: str | None = None  # NATIVE, JSAPI ...
    trade_state_desc: str | None = None
    bank_type: str | None = None
    attach: str | None = None
    success_time: str | None = None
    payer: Payer | None = None
    amount: TransactionAmount | None = None


class RefundRequestAmount(msgspec.Struct):
    refund: int
    total: int
    currency: str = CURRENCY


class RefundRequest(msgspec.Struct, omit_defaults=True):
    out_refund_no: str
    amount: RefundRequestAmount
    out_trade_no: str | None = None
    transaction_id: str | None = None
    reason: str | None = None
    notify_url: str | None = None


class RefundAmount(msgspec.Struct):
    total: int
    refund: int
    payer_total: int | None = None
    payer_refund: int | None = None
    settlement_refund: int | None = None
    settlement_total: int | None = None
    discount_refund: int | None = None
    currency: str | None = None


class Refund(msgspec.Struct):
    """A refund as created and queried. status: SUCCESS, CLOSED, PROCESSING or ABNORMAL."""

    refund_id: str
    out_refund_no: str
    status: str
    amount: RefundAmount
    transaction_id: str | None = None
    out_trade_no: str | None = None
    channel: str | None = None
    user_received_account: str | None = None
    success_time: str | None = None
    create_time: str | None = None
    funds_account: str | None = None


class RefundNoticeAmount(msgspec.Struct):
    total: int
    refund: int
    payer_total: int | None = None
    payer_refund: int | None = None


class RefundNotice(msgspec.Struct):
    """The resource of a REFUND.* callback (REFUND.SUCCESS, REFUND.ABNORMAL, REFUND.CLOSED)."""

    mchid: str
    out_trade_no: str
    out_refund_no: str
    refund_id: str
    refund_status: str
    amount: RefundNoticeAmount
    transaction_id: str | None = None
    success_time: str | None = None
    user_received_account: str | None = None


class BillLink(msgspec.Struct):
    """Where to download a bill, and the hash its content must have."""

    hash_type: str
    hash_value: str
    download_url: str


class ErrorBody(msgspec.Struct):
    """WeChat Pay's error answer: {"code": "ORDER_NOT_EXIST", "message": "..."}."""

    code: str = "UNKNOWN"
    message: str = ""
