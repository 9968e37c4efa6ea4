"""The service itself: /health, /ready and /metrics, for orchestrators and monitoring."""

from litestar import Router

from api.system import health  # the module: a bare `health` would hide it
from api.system.metrics import MetricsController

router = Router(path="/", route_handlers=[health.health, health.ready, MetricsController])
