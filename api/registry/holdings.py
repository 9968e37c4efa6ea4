"""/v1/registry: holdings, transfers and retirements."""

from __future__ import annotations

CONTROLLERS: list[type] = []
