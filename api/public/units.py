"""/v1/public/units, /issuances and /retirements: the public registry."""

from __future__ import annotations

CONTROLLERS: list[type] = []
