"""Demo only (mounted when PUHUI_WECHATPAY=fake): the payer of the in-process fake WeChat Pay.

`POST /v1/dev/wechatpay/orders/{order_no}/pay` makes the fake pay the order and send its signed,
encrypted TRANSACTION.SUCCESS callback to our own notify URL, as WeChat Pay would after a scan of
the QR code. The fake runs in a worker thread: its callback comes back to this very service, whose
event loop must stay free to answer it.
"""

from __future__ import annotations

import anyio.to_thread
import msgspec
from litestar import Controller, post

from api.services import Services
from domain.errors import Conflict, NotFound


class FakePaymentOut(msgspec.Struct):
    order_no: str
    event_id: str  # the callback's, as our notify endpoint saw it
    callback_status: int  # what our notify endpoint answered the fake (0: it was unreachable)


class DevPaymentsController(Controller):
    path = "/v1/dev/wechatpay"
    tags = ["demo"]

    @post(
        "/orders/{order_no:str}/pay",
        status_code=202,
        summary="Demo: the fake WeChat Pay's payer pays an order",
    )
    async def pay(self, order_no: str, services: Services) -> FakePaymentOut:
        fake = services.fake_wechatpay
        if fake is None:
            raise NotFound("there is no fake WeChat Pay here")

        def pay_and_notify() -> FakePaymentOut:
            sent = fake.pay(order_no, notify=False)
            [status] = fake.deliver(sent)
            return FakePaymentOut(order_no=order_no, event_id=sent.event_id, callback_status=status)

        try:
            return await anyio.to_thread.run_sync(pay_and_notify)
        except KeyError:
            raise NotFound("the fake WeChat Pay has no such order") from None
        except ValueError as exc:  # paid, closed or refunded already
            raise Conflict(str(exc), code="not_payable") from None
