"""Parsing a WeChat Pay callback (支付/退款结果通知), pure: verify, decrypt, decode.

`parse_notification` is what the callback endpoints call with the raw request: it verifies the
signature over the exact body bytes (refusing an unknown serial, a bad signature or a timestamp
more than five minutes from `now`), decrypts the resource with the APIv3 key and decodes it into a
Transaction (TRANSACTION.*) or a RefundNotice (REFUND.*).

Idempotency is the caller's job. WeChat Pay delivers a callback again until it is answered with a
2xx, may deliver it more than once anyway, and in any order relative to other callbacks and to our
own queries. The event `id` is stable across deliveries, so the caller keys its processing on it
(and, for state, on out_trade_no / out_refund_no), and answers 2xx to a duplicate without doing
the work again. A stale timestamp is refused even when the signature is good: that is a replay.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Final

import msgspec

from integrations.payments.wechatpay import aead
from integrations.payments.wechatpay.errors import MalformedMessage
from integrations.payments.wechatpay.models import RefundNotice, Transaction
from integrations.payments.wechatpay.signing import PlatformKeys, verify_signed

ALGORITHM: Final = "AEAD_AES_256_GCM"


class EncryptedResource(msgspec.Struct):
    algorithm: str
    ciphertext: str
    nonce: str
    associated_data: str = ""
    original_type: str = ""


class Envelope(msgspec.Struct):
    """The callback body as sent: everything but the resource is in clear."""

    id: str
    event_type: str
    resource: EncryptedResource
    create_time: str = ""
    resource_type: str = ""
    summary: str = ""


class Notification(msgspec.Struct, frozen=True):
    """A verified, decrypted callback. `event_id` is the idempotency key."""

    event_id: str
    event_type: str  # TRANSACTION.SUCCESS, REFUND.SUCCESS, REFUND.ABNORMAL, REFUND.CLOSED ...
    create_time: str
    summary: str
    resource: Transaction | RefundNotice


_envelope: Final = msgspec.json.Decoder(Envelope)
_transaction: Final = msgspec.json.Decoder(Transaction)
_refund: Final = msgspec.json.Decoder(RefundNotice)


def parse_notification(
    headers: Mapping[str, str],
    body: bytes,
    platform_keys: PlatformKeys,
    api_v3_key: bytes,
    now: datetime,
) -> Notification:
    """The notification in `body`, or SignatureRejected / DecryptionFailed / MalformedMessage."""
    verify_signed(headers, body, platform_keys, now)
    try:
        envelope = _envelope.decode(body)
    except msgspec.DecodeError:
        raise MalformedMessage("the callback body is not a WeChat Pay notification") from None
    resource = envelope.resource
    if resource.algorithm != ALGORITHM:
        raise MalformedMessage(f"unsupported resource algorithm {resource.algorithm!r}")
    plaintext = aead.decrypt(
        api_v3_key,
        nonce=resource.nonce,
        associated_data=resource.associated_data,
        ciphertext=resource.ciphertext,
    )
    kind = envelope.event_type.partition(".")[0]
    decoder = {"TRANSACTION": _transaction, "REFUND": _refund}.get(kind)
    if decoder is None:
        raise MalformedMessage(f"unsupported event type {envelope.event_type!r}")
    try:
        decoded = decoder.decode(plaintext)
    except msgspec.DecodeError:
        raise MalformedMessage(f"the {envelope.event_type} resource is malformed") from None
    return Notification(
        event_id=envelope.id,
        event_type=envelope.event_type,
        create_time=envelope.create_time,
        summary=envelope.summary,
        resource=decoded,
    )


# What to answer WeChat Pay: 2xx with no body is success; anything else makes it deliver again.
FAILURE_BODY: Final = b'{"code":"FAIL","message":"rejected"}'
