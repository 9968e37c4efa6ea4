"""/v1/admin/projects and monitoring reports: registration and verifier assignment."""

from __future__ import annotations

CONTROLLERS: list[type] = []
