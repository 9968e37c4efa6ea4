"""/v1/admin/organisations and the applications staff approve or reject."""

from __future__ import annotations

CONTROLLERS: list[type] = []
