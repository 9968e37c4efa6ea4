"""/v1/org-applications: organisations apply (no sign-in)."""

from __future__ import annotations

CONTROLLERS: list[type] = []
