"""/v1/admin/issuances: proposed by one staff member, approved by another."""

from __future__ import annotations

CONTROLLERS: list[type] = []
