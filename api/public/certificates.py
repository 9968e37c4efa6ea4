"""/v1/public/retirements/{id}/certificate.pdf and .json, and the certificate keys."""

from __future__ import annotations

CONTROLLERS: list[type] = []
