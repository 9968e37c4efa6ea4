"""Our own errors for WeChat Pay, each with a stable `code` the app can map and log.

Messages never carry a key, a signature or a decrypted resource: they are safe to log.
"""

from __future__ import annotations


class WeChatPayError(Exception):
    """Base of every WeChat Pay failure; `code` is stable, the message is for humans."""

    code: str = "wechatpay_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code


class SignatureRejected(WeChatPayError):
    """A response or callback whose signature we refuse: nothing in it may be trusted.

    Codes: `missing_signature_headers`, `unknown_serial`, `bad_signature`, `stale_timestamp`.
    """

    code = "bad_signature"


class DecryptionFailed(WeChatPayError):
    """A callback resource that does not decrypt (tampered, wrong key, wrong associated data)."""

    code = "decryption_failed"


class MalformedMessage(WeChatPayError):
    """A signed message whose content is not what WeChat Pay documents."""

    code = "malformed_message"


class ApiError(WeChatPayError):
    """WeChat Pay answered with an error: `status`, its own `wechat_code` (ORDER_NOT_EXIST ...)."""

    code = "api_error"

    def __init__(self, status: int, wechat_code: str, message: str) -> None:
        super().__init__(f"WeChat Pay HTTP {status} {wechat_code}: {message}")
        self.status = status
        self.wechat_code = wechat_code


class PaymentUnavailable(WeChatPayError):
    """WeChat Pay could not be reached or kept failing after the retries that were safe."""

    code = "wechatpay_unavailable"


class BillRejected(WeChatPayError):
    """A trade bill we refuse: `bill_hash_mismatch` or `bill_malformed`."""

    code = "bill_malformed"
