"""The market audience: /v1/market/* for everyone (reference price; listings come next)."""

from litestar import Router

from api.market.prices import ReferencePriceController

router = Router(path="/", route_handlers=[ReferencePriceController])
