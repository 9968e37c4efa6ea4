"""The trading-centre audience: /v1/exchange/{exchange_id}/*, HMAC-signed like operators."""

from litestar import Router

from api.exchange import settlements

router = Router(path="/", route_handlers=[*settlements.CONTROLLERS])
