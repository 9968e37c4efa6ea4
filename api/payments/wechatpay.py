"""WeChat Pay's callbacks: the payment and the refund notices.

The body is read as bytes, verified and decrypted by the adapter (signature with the platform
key, at most 5 minutes old, AEAD_AES_256_GCM with the APIv3 key), and acted on once
(domain/market/notices.py). A notice that fails verification changes nothing and is answered
401 (problem+json; WeChat Pay delivers again on anything but a 2xx); a handled one, a repeat
too, is answered 204 at once, the work being one short transaction.
"""

from __future__ import annotations

from datetime import datetime

from litestar import Controller, Request, post

from api.services import Services
from domain.errors import UpstreamUnavailable
from domain.market import notices
from domain.market.payments import PaymentNotice, RefundNotice
from domain.persistence.uow import UnitOfWork


class WeChatPayNotifyController(Controller):
    path = "/v1/payments/wechatpay"
    tags = ["payments"]

    @post("/notify", status_code=204, summary="WeChat Pay's payment notice (signed, encrypted)")
    async def notify(
        self, request: Request, uow: UnitOfWork, services: Services, now: datetime
    ) -> None:
        notice = await _read(request, services, now)
        if isinstance(notice, PaymentNotice):
            await notices.paid(uow, notice, now)

    @post(
        "/refund-notify", status_code=204, summary="WeChat Pay's refund notice (signed, encrypted)"
    )
    async def refund_notify(
        self, request: Request, uow: UnitOfWork, services: Services, now: datetime
    ) -> None:
        notice = await _read(request, services, now)
        if isinstance(notice, RefundNotice):
            await notices.refunded(uow, notice, now)


async def _read(
    request: Request, services: Services, now: datetime
) -> PaymentNotice | RefundNotice | None:
    if services.payments is None:
        raise UpstreamUnavailable("payments are not configured", code="payment_unavailable")
    body = await request.body()
    return services.payments.read_notice(dict(request.headers), body, now)


CONTROLLERS: list[type] = [WeChatPayNotifyController]
