"""/metrics: Prometheus metrics of the HTTP service (not in the OpenAPI document)."""

from __future__ import annotations

from litestar.plugins.prometheus import PrometheusController


class MetricsController(PrometheusController):
    path = "/metrics"
    include_in_schema = False
