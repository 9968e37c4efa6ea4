"""Sign-in for every audience: /v1/auth/*, rate-limited per client."""

from litestar import Router
from litestar.middleware.rate_limit import RateLimitConfig

from api.auth.controller import AuthController
from api.settings import Settings


def router(settings: Settings) -> Router:
    limit = RateLimitConfig(
        rate_limit=("minute", settings.auth_rate_limit_per_minute),
        store="rate_limit",
        set_rate_limit_headers=True,
    )
    return Router(path="/", route_handlers=[AuthController], middleware=[limit.middleware])
