"""The daily trade bill (交易账单), pure: hash check and parsing into rows in integer fen.

The bill is a CSV-like text: a header line of Chinese column names, one line per trade or refund
whose every field is prefixed with a backtick (so spreadsheets keep long numbers as text), then a
summary header (总交易单数,...) and one summary line. Fields are not quoted, so a line is split on
",`" (the start of the next field) rather than on every comma: a description may hold commas.

Amounts are yuan with two decimals, fees with five; rows carry fen (integers) and the fee in
thousandths of a fen (0.00001 yuan), so nothing is rounded. The bill is refused unless its hash is
the one WeChat Pay announced and its rows add up to its own summary.
"""

from __future__ import annotations

import hashlib
import hmac
from decimal import Decimal, InvalidOperation
from typing import Final

import msgspec

from integrations.payments.wechatpay.errors import BillRejected

SUMMARY_MARK: Final = "总交易单数"

# Column name -> BillRow field, for the ALL bill (bill_type=ALL); other bills have fewer columns.
COLUMNS: Final[dict[str, str]] = {
    "交易时间": "traded_at",
    "公众账号ID": "appid",
    "商户号": "mchid",
    "特约商户号": "sub_mchid",
    "设备号": "device_info",
    "微信订单号": "transaction_id",
    "商户订单号": "out_trade_no",
    "用户标识": "openid",
    "交易类型": "trade_type",
    "交易状态": "trade_state",
    "付款银行": "bank_type",
    "货币种类": "currency",
    "应结订单金额": "settlement_fen",
    "代金券金额": "coupon_fen",
    "微信退款单号": "refund_id",
    "商户退款单号": "out_refund_no",
    "退款金额": "refund_fen",
    "充值券退款金额": "coupon_refund_fen",
    "退款类型": "refund_type",
    "退款状态": "refund_status",
    "商品名称": "description",
    "商户数据包": "attach",
    "手续费": "fee_millifen",
    "费率": "fee_rate",
    "订单金额": "order_fen",
    "申请退款金额": "requested_refund_fen",
    "费率备注": "fee_remark",
}
SUMMARY_COLUMNS: Final[dict[str, str]] = {
    "总交易单数": "count",
    "应结订单总金额": "settlement_fen",
    "退款总金额": "refund_fen",
    "充值券退款总金额": "coupon_refund_fen",
    "手续费总金额": "fee_millifen",
    "订单总金额": "order_fen",
    "申请退款总金额": "requested_refund_fen",
}
_FEN_FIELDS: Final = frozenset(
    {
        "settlement_fen",
        "coupon_fen",
        "refund_fen",
        "coupon_refund_fen",
        "order_fen",
        "requested_refund_fen",
    }
)
_HASHES: Final = {"SHA1": hashlib.sha1, "SHA256": hashlib.sha256}


class BillRow(msgspec.Struct, frozen=True):
    """One trade (trade_state SUCCESS) or refund (REFUND) line; missing columns are empty/0."""

    traded_at: str  # "YYYY-MM-DD HH:MM:SS", Beijing time
    out_trade_no: str
    trade_state: str
    transaction_id: str = ""
    appid: str = ""
    mchid: str = ""
    sub_mchid: str = ""
    device_info: str = ""
    openid: str = ""
    trade_type: str = ""
    bank_type: str = ""
    currency: str = ""
    settlement_fen: int = 0
    coupon_fen: int = 0
    refund_id: str = ""
    out_refund_no: str = ""
    refund_fen: int = 0
    coupon_refund_fen: int = 0
    refund_type: str = ""
    refund_status: str = ""
    description: str = ""
    attach: str = ""
    fee_millifen: int = 0  # thousandths of a fen: the bill gives fees to 0.00001 yuan
    fee_rate: str = ""
    order_fen: int = 0
    requested_refund_fen: int = 0
    fee_remark: str = ""


class BillSummary(msgspec.Struct, frozen=True):
    count: int
    settlement_fen: int
    refund_fen: int
    fee_millifen: int
    coupon_refund_fen: int = 0
    order_fen: int = 0
    requested_refund_fen: int = 0


class TradeBill(msgspec.Struct, frozen=True):
    rows: list[BillRow]
    summary: BillSummary


def check_hash(content: bytes, hash_type: str, hash_value: str) -> None:
    """Refuse a downloaded bill whose hash is not the announced one (BillRejected)."""
    make = _HASHES.get(hash_type.upper())
    if make is None:
        raise BillRejected(f"unsupported bill hash type {hash_type!r}", code="bill_malformed")
    actual = make(content).hexdigest()
    if not hmac.compare_digest(actual, hash_value.strip().lower()):
        raise BillRejected("the bill does not have the announced hash", code="bill_hash_mismatch")


def to_fen(yuan: str) -> int:
    """'12.34' -> 1234; refuses anything that is not a whole number of fen."""
    return _scaled(yuan, 100)


def to_millifen(yuan: str) -> int:
    """'0.00600' -> 600 (thousandths of a fen)."""
    return _scaled(yuan, 100_000)


def _scaled(yuan: str, factor: int) -> int:
    try:
        value = Decimal(yuan.strip()) * factor
    except InvalidOperation:
        raise BillRejected(f"not an amount: {yuan!r}", code="bill_malformed") from None
    if not value.is_finite() or value != value.to_integral_value():
        raise BillRejected(f"amount {yuan!r} is finer than the bill allows", code="bill_malformed")
    return int(value)


def _fields(line: str) -> list[str]:
    if not line.startswith("`"):
        raise BillRejected("a bill line does not start with a backtick", code="bill_malformed")
    return line[1:].split(",`")


def _convert(name: str, raw: str) -> str | int:
    if name in _FEN_FIELDS:
        return to_fen(raw)
    if name == "fee_millifen":
        return to_millifen(raw)
    if name == "count":
        if not raw.isdigit():
            raise BillRejected(f"not a count: {raw!r}", code="bill_malformed")
        return int(raw)
    return raw


def _record(header: list[str], line: str, columns: dict[str, str]) -> dict[str, str | int]:
    values = _fields(line)
    if len(values) != len(header):
        raise BillRejected(
            f"a bill line has {len(values)} fields, the header {len(header)}", code="bill_malformed"
        )
    return {
        columns[name]: _convert(columns[name], value)
        for name, value in zip(header, values, strict=True)
        if name in columns
    }


def parse_trade_bill(content: bytes) -> TradeBill:
    """Rows and summary of a trade bill; refuses a bill whose rows do not add up to its summary."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BillRejected("the bill is not UTF-8", code="bill_malformed") from None
    lines = [line.rstrip("\r") for line in text.split("\n") if line.strip()]
    try:
        mark = next(i for i, line in enumerate(lines) if line.startswith(SUMMARY_MARK))
    except StopIteration:
        raise BillRejected("the bill has no summary", code="bill_malformed") from None
    if mark < 1 or mark + 2 != len(lines):
        raise BillRejected("the bill is not header, rows, summary", code="bill_malformed")
    header = lines[0].split(",")
    for required in ("交易时间", "商户订单号", "交易状态", "应结订单金额", "退款金额", "手续费"):
        if required not in header:
            raise BillRejected(f"the bill has no column {required}", code="bill_malformed")
    try:
        rows = [msgspec.convert(_record(header, line, COLUMNS), BillRow) for line in lines[1:mark]]
        summary = msgspec.convert(
            _record(lines[mark].split(","), lines[mark + 1], SUMMARY_COLUMNS), BillSummary
        )
    except msgspec.ValidationError as exc:
        raise BillRejected(f"the bill is incomplete: {exc}", code="bill_malformed") from None
    _check_totals(rows, summary)
    return TradeBill(rows=rows, summary=summary)


def _check_totals(rows: list[BillRow], summary: BillSummary) -> None:
    totals = {
        "count": len(rows),
        "settlement_fen": sum(r.settlement_fen for r in rows),
        "refund_fen": sum(r.refund_fen for r in rows),
        "fee_millifen": sum(r.fee_millifen for r in rows),
        "coupon_refund_fen": sum(r.coupon_refund_fen for r in rows),
        "order_fen": sum(r.order_fen for r in rows),
        "requested_refund_fen": sum(r.requested_refund_fen for r in rows),
    }
    for name, total in totals.items():
        stated = getattr(summary, name)
        if stated != total:
            raise BillRejected(
                f"the bill's {name} is {stated} but its rows add up to {total}",
                code="bill_malformed",
            )
