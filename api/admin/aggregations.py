"""/v1/admin/aggregations: citizens' credited Class I grams as whole tonnes."""

from __future__ import annotations

CONTROLLERS: list[type] = []
