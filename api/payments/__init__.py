"""The payment service's callbacks: /v1/payments/wechatpay/* (no JWT; signed by WeChat Pay)."""

from litestar import Router

from api.payments import wechatpay

router = Router(path="/", route_handlers=[*wechatpay.CONTROLLERS])
