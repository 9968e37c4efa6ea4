"""The fake WeChat Pay's daily trade bill, built from its records.

The ALL bill of a Beijing date as WeChat Pay writes it (back-quoted CSV rows, then the summary),
the answer to a bill request (download link and SHA1 hash) and the download itself, which can be
tampered with once on the tests' request. Plain functions of the records, kept apart from the
server so the bill's format can be read and changed in one place.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Final

from integrations.payments.wechatpay.bill import COLUMNS, SUMMARY_COLUMNS
from integrations.payments.wechatpay.fake_records import (
    BEIJING,
    Answer,
    FakeOrder,
    FakeRefund,
    Script,
    error,
    fee_yuan,
    yuan,
)

FEE_MILLIFEN_PER_FEN: Final = 6  # a 0.60 % fee, in thousandths of a fen per fen


def trade_bill(
    orders: Iterable[FakeOrder],
    refunds: Iterable[FakeRefund],
    bill_date: str,
    *,
    appid: str,
    mchid: str,
) -> bytes:
    """The ALL trade bill of a Beijing date: paid orders, then refunds finished that day."""
    rows: list[list[str]] = []
    for order in orders:
        if (
            order.success_time
            and order.success_time.astimezone(BEIJING).date().isoformat() == bill_date
        ):
            rows.append(bill_row(order, order.success_time, None, appid=appid, mchid=mchid))
    for refund in refunds:
        done = refund.success_time
        if done and done.astimezone(BEIJING).date().isoformat() == bill_date:
            rows.append(bill_row(refund.order, done, refund, appid=appid, mchid=mchid))
    lines = [",".join(COLUMNS)]
    lines += ["`" + ",`".join(row) for row in rows]
    index = list(COLUMNS)

    def total(name: str, places: int = 2) -> str:
        column = index.index(name)
        scale = Decimal(1).scaleb(-places)
        return str(sum((Decimal(r[column]) for r in rows), Decimal(0)).quantize(scale))

    lines.append(",".join(SUMMARY_COLUMNS))
    summary = [
        str(len(rows)),
        total("应结订单金额"),
        total("退款金额"),
        total("充值券退款金额"),
        total("手续费", 5),
        total("订单金额"),
        total("申请退款金额"),
    ]
    lines.append("`" + ",`".join(summary))
    return ("\r\n".join(lines) + "\r\n").encode()


def bill_row(
    order: FakeOrder, when: datetime, refund: FakeRefund | None, *, appid: str, mchid: str
) -> list[str]:
    fee = order.total_fen if refund is None else -refund.refund_fen
    return [
        when.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S"),
        appid,
        mchid,
        "0",
        "",
        order.transaction_id or "",
        order.out_trade_no,
        order.payer_openid or "",
        order.trade_type,
        "SUCCESS" if refund is None else "REFUND",
        "OTHERS",
        "CNY",
        yuan(order.total_fen if refund is None else 0),
        "0.00",
        "0" if refund is None else refund.refund_id,
        "0" if refund is None else refund.out_refund_no,
        yuan(0 if refund is None else refund.refund_fen),
        "0.00",
        "" if refund is None else "ORIGINAL",
        "" if refund is None else "SUCCESS",
        order.description,
        order.attach or "",
        fee_yuan(fee * FEE_MILLIFEN_PER_FEN),
        "0.60%",
        yuan(order.total_fen if refund is None else 0),
        yuan(0 if refund is None else refund.refund_fen),
        "",
    ]


def bill_link(
    query: dict[str, str],
    orders: Iterable[FakeOrder],
    refunds: Iterable[FakeRefund],
    bills: dict[str, bytes],
    *,
    appid: str,
    mchid: str,
    download_url: str,
) -> Answer:
    """Answer a trade bill request: the bill is made now, kept under a token, and linked."""
    bill_date = query.get("bill_date", "")
    try:
        datetime.strptime(bill_date, "%Y-%m-%d")
    except ValueError:
        return error(400, "PARAM_ERROR", "bill_date must be YYYY-MM-DD")
    if query.get("bill_type", "ALL") != "ALL":
        return error(400, "PARAM_ERROR", "only bill_type=ALL is served by the fake")
    content = trade_bill(orders, refunds, bill_date, appid=appid, mchid=mchid)
    if content.count(b"\n") <= 3:  # header, summary header, summary: no rows
        return error(400, "NO_STATEMENT_EXIST", "当前日期无账单")
    token = secrets.token_urlsafe(16)
    bills[token] = content
    return 200, {
        "hash_type": "SHA1",
        "hash_value": hashlib.sha1(content).hexdigest(),  # noqa: S324 (WeChat Pay's choice)
        "download_url": f"{download_url}?token={token}",
    }


def download(bills: dict[str, bytes], token: str, script: Script) -> Answer | bytes:
    """The bill kept under `token`, or a tampered copy once if the script asks for it."""
    content = bills.get(token)
    if content is None:
        return error(400, "INVALID_REQUEST", "账单下载链接无效")
    if script.tamper_bill:
        script.tamper_bill = False
        return content.replace(b"`SUCCESS", b"`REFUND", 1)
    return content
