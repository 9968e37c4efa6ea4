"""Sign-in for every audience: /v1/auth/*, rate-limited per client address.

Two buckets per address: staff sign-in (PUHUI_AUTH_RATE_LIMIT_PER_MINUTE, low: passwords are
guessable) and citizen sign-in, refresh and logout (PUHUI_CITIZEN_AUTH_RATE_LIMIT_PER_MINUTE,
higher: a carrier's NAT puts thousands of phones behind one address, and what they present
cannot be guessed). The address is the one api/client_address.py settled on.
"""

from collections.abc import Callable

from litestar import Request, Router
from litestar.middleware.rate_limit import RateLimitConfig

from api.auth.controller import AuthController
from api.auth.staff import StaffAuthController
from api.client_address import rate_limit_key
from api.settings import Settings


def _per_address(bucket: str) -> Callable[[Request], str]:
    def identify(request: Request) -> str:
        return f"{bucket}:{rate_limit_key(request.client.host if request.client else '')}"

    return identify


def _limit(bucket: str, per_minute: int) -> RateLimitConfig:
    return RateLimitConfig(
        rate_limit=("minute", per_minute),
        store="rate_limit",
        identifier_for_request=_per_address(bucket),
        set_rate_limit_headers=True,
    )


def router(settings: Settings) -> Router:
    citizen = _limit("citizen", settings.citizen_auth_rate_limit_per_minute)
    staff = _limit("staff", settings.auth_rate_limit_per_minute)
    return Router(
        path="/",
        route_handlers=[
            Router(path="/", route_handlers=[AuthController], middleware=[citizen.middleware]),
            Router(path="/", route_handlers=[StaffAuthController], middleware=[staff.middleware]),
        ],
    )
