"""The trade bill, pure: hash check, backtick fields, yuan -> fen, rows adding up to the summary."""

from __future__ import annotations

import hashlib

import pytest

from integrations.payments.wechatpay.bill import check_hash, parse_trade_bill, to_fen, to_millifen
from integrations.payments.wechatpay.errors import BillRejected

HEADER = (
    "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,"
    "交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,"
    "充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注"
)
SUMMARY_HEADER = (
    "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额"
)
ROWS = [
    "`2025-03-01 10:00:00,`wx1,`1900000109,`0,`,`4200001,`PH-1,`o-1,`NATIVE,`SUCCESS,`OTHERS,"
    "`CNY,`120.00,`0.00,`0,`0,`0.00,`0.00,`,`,`减排量 2 t, 南京,`,`0.72000,`0.60%,`120.00,`0.00,`",
    "`2025-03-01 10:05:00,`wx1,`1900000109,`0,`,`4200002,`PH-2,`o-2,`JSAPI,`SUCCESS,`OTHERS,"
    "`CNY,`0.01,`0.00,`0,`0,`0.00,`0.00,`,`,`1 t,`,`0.00006,`0.60%,`0.01,`0.00,`",
    "`2025-03-01 11:00:00,`wx1,`1900000109,`0,`,`4200001,`PH-1,`o-1,`NATIVE,`REFUND,`OTHERS,"
    "`CNY,`0.00,`0.00,`5030001,`RF-1,`60.00,`0.00,`ORIGINAL,`SUCCESS,`减排量 2 t, 南京,`,"
    "`-0.36000,`0.60%,`0.00,`60.00,`",
]
SUMMARY = "`3,`120.01,`60.00,`0.00,`0.36006,`120.01,`60.00"


def _bill(rows: list[str] = ROWS, summary: str = SUMMARY) -> bytes:
    return ("\r\n".join([HEADER, *rows, SUMMARY_HEADER, summary]) + "\r\n").encode()


def test_a_bill_parses_into_rows_in_fen() -> None:
    bill = parse_trade_bill(_bill())
    assert [r.out_trade_no for r in bill.rows] == ["PH-1", "PH-2", "PH-1"]
    first, second, refund = bill.rows
    assert first.settlement_fen == 12_000 and first.order_fen == 12_000
    assert first.description == "减排量 2 t, 南京"  # a comma inside a field survives
    assert first.fee_millifen == 72_000  # 0.72 yuan = 72 fen
    assert second.settlement_fen == 1 and second.fee_millifen == 6
    assert refund.trade_state == "REFUND" and refund.refund_fen == 6_000
    assert refund.out_refund_no == "RF-1" and refund.fee_millifen == -36_000
    assert bill.summary.count == 3


def test_the_rows_add_up_to_the_summary() -> None:
    bill = parse_trade_bill(_bill())
    assert sum(r.settlement_fen for r in bill.rows) == bill.summary.settlement_fen == 12_001
    assert sum(r.refund_fen for r in bill.rows) == bill.summary.refund_fen == 6_000
    assert sum(r.fee_millifen for r in bill.rows) == bill.summary.fee_millifen == 36_006


@pytest.mark.parametrize(
    "summary",
    [
        "`3,`120.02,`60.00,`0.00,`0.36006,`120.01,`60.00",  # settlement off by one fen
        "`2,`120.01,`60.00,`0.00,`0.36006,`120.01,`60.00",  # count
        "`3,`120.01,`60.00,`0.00,`0.36007,`120.01,`60.00",  # fee
    ],
)
def test_a_bill_that_does_not_add_up_is_refused(summary: str) -> None:
    with pytest.raises(BillRejected) as caught:
        parse_trade_bill(_bill(summary=summary))
    assert caught.value.code == "bill_malformed"


def test_a_bom_and_an_empty_bill_are_fine() -> None:
    empty = parse_trade_bill(
        b"\xef\xbb\xbf" + _bill([], "`0,`0.00,`0.00,`0.00,`0.00000,`0.00,`0.00")
    )
    assert empty.rows == [] and empty.summary.settlement_fen == 0


@pytest.mark.parametrize(
    "content",
    [
        b"",
        HEADER.encode(),  # no summary
        _bill([ROWS[0].replace("`120.00", "`12O.00", 1)]),  # not an amount
        _bill([ROWS[0][1:]]),  # no backtick
        _bill([ROWS[0].rsplit(",`", 1)[0]]),  # a field short
        b"\xff\xfe" + _bill(),
    ],
)
def test_malformed_bills_are_refused(content: bytes) -> None:
    with pytest.raises(BillRejected):
        parse_trade_bill(content)


def test_amounts_are_exact() -> None:
    assert to_fen("0.01") == 1 and to_fen("1234.50") == 123_450 and to_fen("-3.00") == -300
    assert to_millifen("0.00600") == 600
    with pytest.raises(BillRejected):
        to_fen("0.001")


def test_hash_check() -> None:
    content = _bill()
    check_hash(content, "SHA1", hashlib.sha1(content).hexdigest().upper())
    with pytest.raises(BillRejected) as caught:
        check_hash(content + b" ", "SHA1", hashlib.sha1(content).hexdigest())
    assert caught.value.code == "bill_hash_mismatch"
    with pytest.raises(BillRejected):
        check_hash(content, "MD5", hashlib.md5(content).hexdigest())
