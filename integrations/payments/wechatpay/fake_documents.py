"""The JSON the fake WeChat Pay answers with and encrypts into its callbacks, built from records.

A transaction (order queries, TRANSACTION.SUCCESS), a refund (refund answers and queries), a refund
notice (REFUND.SUCCESS) and the notification envelope that carries one of them AEAD-encrypted with
the API v3 key. Plain functions of the records, so the shapes can be read and changed in one place
apart from the server's state and HTTP handling.
"""

from __future__ import annotations

import json
import secrets
import string
from collections.abc import Callable
from datetime import datetime
from typing import Any

from integrations.payments.wechatpay import aead
from integrations.payments.wechatpay.fake_records import FakeOrder, FakeRefund, rfc3339
from integrations.payments.wechatpay.notifications import ALGORITHM


def transaction(order: FakeOrder, *, appid: str, mchid: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "appid": appid,
        "mchid": mchid,
        "out_trade_no": order.out_trade_no,
        "trade_type": order.trade_type,
        "trade_state": order.trade_state,
        "trade_state_desc": order.trade_state_desc,
        "amount": {"total": order.total_fen, "currency": "CNY"},
    }
    if order.attach is not None:
        body["attach"] = order.attach
    if order.transaction_id is not None:
        body["transaction_id"] = order.transaction_id
        body["bank_type"] = "OTHERS"
        body["payer"] = {"openid": order.payer_openid}
        body["amount"].update(payer_total=order.total_fen, payer_currency="CNY")
    if order.success_time is not None:
        body["success_time"] = rfc3339(order.success_time)
    return body


def refund(record: FakeRefund) -> dict[str, Any]:
    order = record.order
    body: dict[str, Any] = {
        "refund_id": record.refund_id,
        "out_refund_no": record.out_refund_no,
        "transaction_id": order.transaction_id,
        "out_trade_no": order.out_trade_no,
        "channel": "ORIGINAL",
        "user_received_account": "支付用户零钱",
        "create_time": rfc3339(record.created),
        "status": record.status,
        "funds_account": "AVAILABLE",
        "amount": {
            "total": order.total_fen,
            "refund": record.refund_fen,
            "payer_total": order.total_fen,
            "payer_refund": record.refund_fen,
            "settlement_total": order.total_fen,
            "settlement_refund": record.refund_fen,
            "discount_refund": 0,
            "currency": "CNY",
        },
    }
    if record.success_time is not None:
        body["success_time"] = rfc3339(record.success_time)
    return body


def refund_notice(
    record: FakeRefund, *, mchid: str, clock: Callable[[], datetime]
) -> dict[str, Any]:
    order = record.order
    return {
        "mchid": mchid,
        "out_trade_no": order.out_trade_no,
        "transaction_id": order.transaction_id,
        "out_refund_no": record.out_refund_no,
        "refund_id": record.refund_id,
        "refund_status": record.status,
        "success_time": rfc3339(record.success_time or clock()),
        "user_received_account": "支付用户零钱",
        "amount": {
            "total": order.total_fen,
            "refund": record.refund_fen,
            "payer_total": order.total_fen,
            "payer_refund": record.refund_fen,
        },
    }


def notification(
    event_type: str,
    summary: str,
    original_type: str,
    resource: dict[str, Any],
    *,
    api_v3_key: bytes,
    clock: Callable[[], datetime],
) -> dict[str, Any]:
    """The callback envelope, `resource` encrypted as WeChat Pay does (AEAD_AES_256_GCM)."""
    nonce = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(12))
    return {
        "id": f"EV-{secrets.token_hex(12)}",
        "create_time": rfc3339(clock()),
        "resource_type": "encrypt-resource",
        "event_type": event_type,
        "summary": summary,
        "resource": {
            "original_type": original_type,
            "algorithm": ALGORITHM,
            "ciphertext": aead.encrypt(
                api_v3_key,
                nonce=nonce,
                associated_data=original_type,
                plaintext=json.dumps(resource, ensure_ascii=False).encode(),
            ),
            "associated_data": original_type,
            "nonce": nonce,
        },
    }
