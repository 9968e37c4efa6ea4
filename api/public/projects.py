"""/v1/public/projects: registered projects."""

from __future__ import annotations

CONTROLLERS: list[type] = []
