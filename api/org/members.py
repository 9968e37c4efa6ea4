"""/v1/org/me and /v1/org/members: the organisation and its members."""

from __future__ import annotations

CONTROLLERS: list[type] = []
