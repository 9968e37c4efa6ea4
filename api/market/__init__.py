"""The market audience: /v1/market/* for everyone (the reference price, open listings)."""

from litestar import Router

from api.market import listings
from api.market.prices import ReferencePriceController

router = Router(path="/", route_handlers=[ReferencePriceController, *listings.CONTROLLERS])
