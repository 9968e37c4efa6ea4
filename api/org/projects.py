"""/v1/org/projects: drafts, documents, submission and monitoring reports."""

from __future__ import annotations

CONTROLLERS: list[type] = []
