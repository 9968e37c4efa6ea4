"""The expert audience: /v1/expert/* for experts of the pool."""

from litestar import Router

from api.expert import reviews

router = Router(path="/", route_handlers=[*reviews.CONTROLLERS])
