"""/health (liveness, no dependencies) and /ready (database, and Redis when configured)."""

from __future__ import annotations

import msgspec
from litestar import Response, get

from api.services import Services


class Health(msgspec.Struct):
    status: str


class Readiness(msgspec.Struct):
    status: str
    checks: dict[str, str]


@get("/health", tags=["service"], summary="Liveness", sync_to_thread=False)
def health() -> Health:
    return Health(status="ok")


@get("/ready", tags=["service"], summary="Readiness: database and Redis reachable")
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
            checks["redis"] = "ok"
        except Exception as exc:
            checks["redis"] = f"error: {type(exc).__name__}"
    ok = all(v == "ok" for v in checks.values())
    return Response(
        Readiness(status="ok" if ok else "unavailable", checks=checks),
        status_code=200 if ok else 503,
    )
