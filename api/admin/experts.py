"""/v1/admin/experts and /v1/admin/reviews: the expert pool and its drawn panels."""

from __future__ import annotations

CONTROLLERS: list[type] = []
