"""A voucher signing key's public half, as merchants (offline checks) and admins read it."""

from __future__ import annotations

from datetime import datetime

import msgspec


class PublicKeyOut(msgspec.Struct):
    key_id: str
    algorithm: str
    public_key: str  # base64url, raw 32 bytes
    active: bool
    created_at: datetime
