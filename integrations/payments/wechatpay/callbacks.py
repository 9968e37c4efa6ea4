"""Reading WeChat Pay's callbacks for the market: verified and decrypted (notifications.py),
then a PaymentNotice, a RefundNotice, None for a genuine event the market does not act on, or
ForgedNotice for anything that does not verify (signature, freshness, serial, AEAD tag, shape,
another merchant)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Final

import msgspec

from domain.market.payments import ForgedNotice, PaymentNotice, RefundNotice
from integrations.payments.wechatpay import aead, models, signing
from integrations.payments.wechatpay.errors import MalformedMessage, WeChatPayError
from integrations.payments.wechatpay.notifications import (
    ALGORITHM,
    Envelope,
    Notification,
    parse_notification,
)
from integrations.payments.wechatpay.signing import PlatformKeys
from integrations.payments.wechatpay.terms import REFUND_EVENTS, instant, status_of

log = logging.getLogger(__name__)

_KNOWN_KINDS: Final = ("TRANSACTION", "REFUND")  # what parse_notification decodes


class _EventType(msgspec.Struct):
    event_type: str = ""


_event_type: Final = msgspec.json.Decoder(_EventType)
_envelope: Final = msgspec.json.Decoder(Envelope)


class NoticeReader:
    """Reads the callbacks of one merchant (its platform keys and APIv3 key)."""

    def __init__(self, *, mchid: str, platform_keys: PlatformKeys, api_v3_key: bytes) -> None:
        self._mchid = mchid
        self._platform_keys = dict(platform_keys)
        self._api_v3_key = api_v3_key

    def read(
        self, headers: Mapping[str, str], body: bytes, now: datetime
    ) -> PaymentNotice | RefundNotice | None:
        """The verified notice in a callback; None for a verified event the market does not
        use (answer it 2xx all the same); ForgedNotice for anything that does not verify."""
        try:
            kind = _event_type.decode(body).event_type.partition(".")[0]
        except msgspec.DecodeError:
            kind = ""  # parse_notification says what is wrong with it
        try:
            if kind and kind not in _KNOWN_KINDS:
                self._verify_other(headers, body, now)
                return None
            notification = parse_notification(
                headers, body, self._platform_keys, self._api_v3_key, now
            )
            return self._notice(notification)
        except WeChatPayError as exc:
            log.warning("wechatpay callback refused: %s", exc.code)
            raise ForgedNotice(
                "the payment notification does not verify", reason=exc.code
            ) from None

    def _verify_other(self, headers: Mapping[str, str], body: bytes, now: datetime) -> None:
        """Signature and decryption of an event parse_notification does not decode."""
        signing.verify_signed(headers, body, self._platform_keys, now)
        try:
            resource = _envelope.decode(body).resource
        except msgspec.DecodeError:
            raise MalformedMessage("the callback body is not a notification") from None
        if resource.algorithm != ALGORITHM:
            raise MalformedMessage(f"unsupported resource algorithm {resource.algorithm!r}")
        aead.decrypt(
            self._api_v3_key,
            nonce=resource.nonce,
            associated_data=resource.associated_data,
            ciphertext=resource.ciphertext,
        )

    def _notice(self, notification: Notification) -> PaymentNotice | RefundNotice | None:
        event_id, event_type, resource = (
            notification.event_id,
            notification.event_type,
            notification.resource,
        )
        if resource.mchid != self._mchid:
            raise MalformedMessage("the notification is for another merchant")
        if isinstance(resource, models.Transaction):
            if event_type != "TRANSACTION.SUCCESS":
                return None
            paid = status_of(resource.out_trade_no, resource)
            if paid.state != "paid":
                raise MalformedMessage("TRANSACTION.SUCCESS for an order that is not paid")
            assert paid.transaction_id and paid.amount_fen is not None and paid.paid_at
            return PaymentNotice(
                event_id=event_id,
                order_no=paid.order_no,
                transaction_id=paid.transaction_id,
                amount_fen=paid.amount_fen,
                paid_at=paid.paid_at,
            )
        state = REFUND_EVENTS.get(event_type)
        if state is None:
            return None
        return RefundNotice(
            event_id=event_id,
            order_no=resource.out_trade_no,
            refund_no=resource.out_refund_no,
            state=state,
            amount_fen=resource.amount.refund,
            refunded_at=(
                instant(resource.success_time, "success_time") if state == "succeeded" else None
            ),
        )
