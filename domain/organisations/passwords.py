"""First passwords of accounts created for someone else: generated, shown once, never stored
in clear (the account keeps only its hash)."""

from __future__ import annotations

import secrets


def generated_password() -> str:
    """24 URL-safe characters (144 bits), well over the minimum length."""
    return secrets.token_urlsafe(18)
