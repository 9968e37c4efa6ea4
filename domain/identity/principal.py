"""Who is calling: a citizen or a staff member, as read from a verified access token."""

from __future__ import annotations

from enum import StrEnum

import msgspec


class Role(StrEnum):
    ADMIN = "admin"
    OPERATIONS = "operations"
    AUDITOR = "auditor"
    MERCHANT = "merchant"
    ORG = "org"  # a member of an organisation (scoped by org_id)
    VERIFIER = "verifier"  # a member of a verifier organisation (scoped by org_id)
    EXPERT = "expert"  # an expert of the pool (files review opinions)


class Principal(msgspec.Struct, frozen=True):
    kind: str  # "citizen" | "staff"
    id: str
    family_id: str
    role: Role | None = None
    merchant_id: str | None = None
    store_id: str | None = None
    org_id: str | None = None
