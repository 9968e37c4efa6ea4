"""What the service counts as saying nothing in a free text a person writes."""

from __future__ import annotations

import unicodedata

# controls, format marks (U+200B zero-width space, U+202E right-to-left override, U+FEFF, ...)
# and separators (spaces, U+2028): none of them shows a character
INVISIBLE = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})


def blank(text: str) -> bool:
    """Nothing a reader would see: empty, or only invisible characters."""
    return all(unicodedata.category(ch) in INVISIBLE for ch in text)
