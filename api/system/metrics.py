"""/metrics: Prometheus metrics of the HTTP service (not in the OpenAPI document).

With PUHUI_METRICS_TOKEN set (production refuses to start without it) the scraper sends
`Authorization: Bearer <token>`; a missing or wrong token is a 401 problem+json. Without the
setting (development, tests) the endpoint stays open.
"""

from __future__ import annotations

import hmac

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from litestar.plugins.prometheus import PrometheusController

from domain.errors import Unauthenticated


def _presented(connection: ASGIConnection) -> bytes | None:
    scheme, _, value = connection.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    # headers arrive decoded as latin-1: back to their bytes, so any header compares safely
    return value.strip().encode("latin-1", errors="replace")


async def metrics_guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    expected = connection.app.state.services.settings.metrics_token
    if not expected:
        return
    presented = _presented(connection)
    if presented is None:
        raise Unauthenticated(
            "send Authorization: Bearer <PUHUI_METRICS_TOKEN>", code="metrics_token_required"
        )
    if not hmac.compare_digest(presented, expected.encode()):
        raise Unauthenticated("wrong metrics token", code="metrics_token_invalid")


class MetricsController(PrometheusController):
    path = "/metrics"
    include_in_schema = False
    guards = [metrics_guard]
