"""/health (liveness, no dependencies) and /ready (database, and Redis when configured).

Only the database is needed to serve: without Redis the service answers (rate limits count per
process, live events pause), so a Redis outage reports `degraded` with 200 and keeps the instance
in its load balancer's rotation; a database outage reports `unavailable` with 503."""

from __future__ import annotations

import msgspec
from litestar import Response, get
from redis.exceptions import RedisError

from api.services import Services


class Health(msgspec.Struct):
    status: str


class Readiness(msgspec.Struct):
    status: str
    checks: dict[str, str]


@get("/health", tags=["service"], summary="Liveness", sync_to_thread=False)
def health() -> Health:
    return Health(status="ok")


@get("/ready", tags=["service"], summary="Readiness: the database reachable (Redis reported)")
async def ready(services: Services) -> Response[Readiness]:
    checks: dict[str, str] = {}
    try:
        await services.db.ping()
        checks["database"] = "ok"
    except Exception as exc:  # any failure means not ready
        checks["database"] = f"error: {type(exc).__name__}"
    if services.redis is not None:
        try:
            await services.redis.ping()
            services.redis_breaker.succeeded()
            checks["redis"] = "ok"
        except Exception as exc:
            if isinstance(exc, RedisError):
                services.redis_breaker.failed(exc)
            checks["redis"] = f"error: {type(exc).__name__}"
    serving = checks["database"] == "ok"
    status = "ok" if all(v == "ok" for v in checks.values()) else "degraded"
    return Response(
        Readiness(status=status if serving else "unavailable", checks=checks),
        status_code=200 if serving else 503,
    )
