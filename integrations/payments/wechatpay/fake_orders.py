"""The fake WeChat Pay's order and refund endpoints, as plain functions of its records.

Create, query and close an order; ask for and query a refund. WeChat Pay's rules live here: the
same out_trade_no / out_refund_no with the same body gets the same answer, with another body it is
refused; a paid order cannot be ordered again or closed; refunds cannot exceed what was paid. The
server (fake.py) routes to these under its lock and signs whatever they answer.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Callable
from datetime import datetime
from typing import Any

from integrations.payments.wechatpay import fake_documents as documents
from integrations.payments.wechatpay.fake_records import Answer, FakeOrder, FakeRefund, error


def create_order(
    orders: dict[str, FakeOrder], trade_type: str, data: dict[str, Any], *, appid: str, mchid: str
) -> Answer:
    if data.get("appid") != appid or data.get("mchid") != mchid:
        return error(400, "PARAM_ERROR", "appid和mch_id不匹配")
    amount = data.get("amount")
    total = amount.get("total") if isinstance(amount, dict) else None
    out_trade_no = data.get("out_trade_no")
    fields_ok = all(
        isinstance(data.get(name), str) and data[name]
        for name in ("description", "out_trade_no", "notify_url")
    )
    if not fields_ok or not isinstance(total, int) or isinstance(total, bool) or total < 1:
        return error(400, "PARAM_ERROR", "description, out_trade_no, notify_url, amount")
    assert isinstance(out_trade_no, str)
    payer = data.get("payer")
    if trade_type == "JSAPI" and not (isinstance(payer, dict) and payer.get("openid")):
        return error(400, "PARAM_ERROR", "JSAPI下单必须传openid")
    existing = orders.get(out_trade_no)
    if existing is not None:
        if existing.trade_state in ("SUCCESS", "REFUND"):
            return error(400, "ORDERPAID", "该订单已支付")
        if existing.trade_state == "CLOSED":
            return error(400, "ORDER_CLOSED", "当前订单已关闭，请重新下单")
        if existing.request != data or existing.trade_type != trade_type:
            return error(400, "INVALID_REQUEST", "201 商户订单号重复")
        return 200, existing.prepay
    if trade_type == "NATIVE":
        prepay = {"code_url": f"weixin://wxpay/bizpayurl?pr={secrets.token_urlsafe(6)}"}
    else:
        prepay = {"prepay_id": f"wx{secrets.token_hex(16)}"}
    orders[out_trade_no] = FakeOrder(
        out_trade_no=out_trade_no,
        trade_type=trade_type,
        request=data,
        total_fen=total,
        notify_url=data["notify_url"],
        description=data["description"],
        attach=data.get("attach"),
        prepay=prepay,
    )
    return 200, prepay


def query_order(
    orders: dict[str, FakeOrder],
    out_trade_no: str,
    query: dict[str, str],
    *,
    appid: str,
    mchid: str,
) -> Answer:
    if query.get("mchid") != mchid:
        return error(400, "PARAM_ERROR", "mchid is missing or wrong")
    order = orders.get(out_trade_no)
    if order is None:
        return error(404, "ORDER_NOT_EXIST", "订单不存在")
    return 200, documents.transaction(order, appid=appid, mchid=mchid)


def close_order(
    orders: dict[str, FakeOrder], out_trade_no: str, data: dict[str, Any], *, mchid: str
) -> Answer:
    if data.get("mchid") != mchid:
        return error(400, "PARAM_ERROR", "mchid is missing or wrong")
    order = orders.get(out_trade_no)
    if order is None:
        return error(404, "ORDER_NOT_EXIST", "订单不存在")
    if order.trade_state in ("SUCCESS", "REFUND"):
        return error(400, "ORDERPAID", "订单已支付，不能关闭")
    order.trade_state, order.trade_state_desc = "CLOSED", "已关闭"
    return 204, None


def create_refund(
    orders: dict[str, FakeOrder],
    refunds: dict[str, FakeRefund],
    data: dict[str, Any],
    *,
    clock: Callable[[], datetime],
) -> Answer:
    out_refund_no = data.get("out_refund_no")
    amount = data.get("amount")
    if not isinstance(out_refund_no, str) or not out_refund_no or not isinstance(amount, dict):
        return error(400, "PARAM_ERROR", "out_refund_no and amount are required")
    existing = refunds.get(out_refund_no)
    if existing is not None:
        if existing.request != data:
            return error(400, "INVALID_REQUEST", "商户退款单号重复，且参数不一致")
        return 200, documents.refund(existing)
    order = orders.get(str(data.get("out_trade_no")))
    if order is None:
        order = next(
            (o for o in orders.values() if o.transaction_id == data.get("transaction_id")),
            None,
        )
    if order is None or order.transaction_id is None:
        return error(404, "RESOURCE_NOT_EXISTS", "订单不存在或未支付")
    refund_fen, total = amount.get("refund"), amount.get("total")
    if total != order.total_fen:
        return error(400, "PARAM_ERROR", "订单金额与原订单不一致")
    if not isinstance(refund_fen, int) or refund_fen < 1:
        return error(400, "PARAM_ERROR", "退款金额无效")
    if order.refunded_fen + refund_fen > order.total_fen:
        return error(400, "INVALID_REQUEST", "申请退款金额超过订单可退金额")
    order.refunded_fen += refund_fen
    order.trade_state, order.trade_state_desc = "REFUND", "转入退款"
    refund = FakeRefund(
        out_refund_no=out_refund_no,
        refund_id="5030" + "".join(secrets.choice(string.digits) for _ in range(25)),
        order=order,
        refund_fen=refund_fen,
        request=data,
        notify_url=data.get("notify_url"),
        created=clock(),
    )
    refunds[out_refund_no] = refund
    return 200, documents.refund(refund)


def query_refund(refunds: dict[str, FakeRefund], out_refund_no: str) -> Answer:
    refund = refunds.get(out_refund_no)
    if refund is None:
        return error(404, "RESOURCE_NOT_EXISTS", "退款单不存在")
    return 200, documents.refund(refund)
