"""Percentiles and the latency summaries (n, p50, p99, max) the figures report."""

from __future__ import annotations

import math


def pct(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100)."""
    if not values:
        return None
    s = sorted(values)
    k = max(1, math.ceil(q / 100 * len(s)))
    return s[k - 1]


def dist_summary(values_ms: list[float]) -> dict[str, float | int | None]:
    def r(v: float | None) -> float | None:
        return None if v is None else round(v, 1)

    return {
        "n": len(values_ms),
        "p50": r(pct(values_ms, 50)),
        "p99": r(pct(values_ms, 99)),
        "max": r(max(values_ms) if values_ms else None),
    }
