"""WeChat Pay API v3 (直连商户): the client, its pure signing/verification/decryption, the bill
parser, and a local fake server (fake.py) that signs and encrypts as WeChat Pay does."""

from integrations.payments.wechatpay.bill import BillRow, BillSummary, TradeBill, parse_trade_bill
from integrations.payments.wechatpay.client import JsapiOrder, MerchantConfig, WeChatPayClient
from integrations.payments.wechatpay.errors import (
    ApiError,
    BillRejected,
    DecryptionFailed,
    MalformedMessage,
    PaymentUnavailable,
    SignatureRejected,
    WeChatPayError,
)
from integrations.payments.wechatpay.models import Refund, RefundNotice, Transaction
from integrations.payments.wechatpay.notifications import Notification, parse_notification
from integrations.payments.wechatpay.signing import JsapiPayParams, PlatformKeys

__all__ = [
    "ApiError",
    "BillRejected",
    "BillRow",
    "BillSummary",
    "DecryptionFailed",
    "JsapiOrder",
    "JsapiPayParams",
    "MalformedMessage",
    "MerchantConfig",
    "Notification",
    "PaymentUnavailable",
    "PlatformKeys",
    "Refund",
    "RefundNotice",
    "SignatureRejected",
    "TradeBill",
    "Transaction",
    "WeChatPayClient",
    "WeChatPayError",
    "parse_notification",
    "parse_trade_bill",
]
