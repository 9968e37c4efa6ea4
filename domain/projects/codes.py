"""Public project codes (pure): the methodology code's letters and a sequence number.

A code becomes part of every unit serial (`NJ-{class}-{vintage}-{code}-...`), so it holds only
capital letters and digits (no hyphen: serials split on it) and at most 16 characters.
"""

from __future__ import annotations

import re

from domain.registry.serials import PROJECT_CODE

MAX_LENGTH = 16
DIGITS = 4  # at least: NJGT0001


def prefix_of(methodology_code: str) -> str:
    """`NJ-GT` -> `NJGT`: the letters and digits, upper case, leaving room for the sequence."""
    letters = re.sub(r"[^A-Z0-9]", "", methodology_code.upper())
    return (letters or "P")[: MAX_LENGTH - DIGITS]


def project_code(prefix: str, sequence: int) -> str:
    """`NJGT` and 7 -> `NJGT0007`; more digits once 4 are not enough (never over 16 chars)."""
    if sequence < 1:
        raise ValueError("the sequence starts at 1")
    number = str(sequence).zfill(DIGITS)
    code = prefix[: MAX_LENGTH - len(number)] + number
    if len(number) > MAX_LENGTH - 1 or not PROJECT_CODE.fullmatch(code):
        raise ValueError(f"no project code for {prefix!r} and {sequence}")
    return code


def sequence_of(prefix: str, code: str) -> int | None:
    """The sequence number of a code made by project_code(prefix, n), else None."""
    if not code.startswith(prefix):
        return None
    rest = code[len(prefix) :]
    return int(rest) if rest.isdigit() else None
