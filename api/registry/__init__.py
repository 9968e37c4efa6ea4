"""The registry audience: /v1/registry/* for holders of registry accounts (organisations, staff)."""

from litestar import Router

from api.registry import holdings

router = Router(path="/", route_handlers=[*holdings.CONTROLLERS])
