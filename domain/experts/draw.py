"""The panel draw: a pure function of the candidates and a seed, so anyone can re-run it.

A review records its seed and its candidates; `draw(candidates, seed, n)` over those gives the
same panel every time, on any machine (random.Random's Mersenne Twister is specified and stable
across Python versions for `sample` of a sorted list).
"""

from __future__ import annotations

import random
import secrets
import unicodedata
from collections.abc import Iterable, Mapping


def fresh_seed() -> str:
    """A new, unpredictable seed: 32 hex characters."""
    return secrets.token_hex(16)


def draw(candidates: Iterable[str], seed: str, n: int) -> list[str]:
    """`n` of the candidates, drawn with `seed`: the candidates are sorted first, so the order
    they were found in never changes the panel."""
    ordered = sorted(set(candidates))
    if n > len(ordered):
        raise ValueError(f"cannot draw {n} of {len(ordered)} candidates")
    # reproducible on purpose: the seed is public, unpredictability comes from fresh_seed()
    return random.Random(seed).sample(ordered, n)  # noqa: S311


def fold(name: str) -> str:
    """A name compared for conflicts of interest: NFKC, casefolded, blanks collapsed."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def affiliated(affiliations: Iterable[Mapping[str, str | None]], *, uscc: str, name: str) -> bool:
    """Whether an expert with these affiliations is affiliated with the owner: the same unified
    social credit code, or the same name after NFKC casefolding."""
    owner_name = fold(name)
    for affiliation in affiliations:
        code = affiliation.get("uscc")
        if code and code.upper() == uscc.upper():
            return True
        if fold(affiliation.get("name") or "") == owner_name:
            return True
    return False


def qualified(fields: Iterable[str], field: str | None) -> bool:
    """Whether an expert of these fields may sit on a review asking for `field` (any if none)."""
    return field is None or fold(field) in {fold(f) for f in fields}
