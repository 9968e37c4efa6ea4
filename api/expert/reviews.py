"""/v1/expert/reviews: the caller's seats and their opinions and votes."""

from __future__ import annotations

CONTROLLERS: list[type] = []
