"""Voucher codes a person can read out and type: 10 Crockford base32 characters (pure)."""

from __future__ import annotations

import secrets
import unicodedata

from domain.errors import InvalidInput

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
LENGTH = 10  # 50 random bits
_TYPOS = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = str.maketrans("", "", " \t\n\r-")


def new_code() -> str:
    """A fresh random code in store form (10 characters, no dash); `display_code` groups it."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalize_code(text: str) -> str:
    """The store form of what a person typed: any case, spaces and dashes, O for 0, I/L for 1.

    Full-width characters from a Chinese input method count as their ASCII twins.
    """
    code = unicodedata.normalize("NFKC", text).translate(_SEPARATORS).upper().translate(_TYPOS)
    if len(code) != LENGTH or any(ch not in ALPHABET for ch in code):
        raise InvalidInput(f"a voucher code is {LENGTH} characters of {ALPHABET}", code="bad_code")
    return code


def display_code(code: str) -> str:
    """`XXXXX-XXXXX`, the way a code is shown to people."""
    code = normalize_code(code)
    return f"{code[:5]}-{code[5:]}"
