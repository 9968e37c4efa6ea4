"""/v1/verifier/reports: the reports assigned to the caller's verifier organisation."""

from __future__ import annotations

CONTROLLERS: list[type] = []
