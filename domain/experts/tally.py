"""How a panel decides: the majority, as soon as it exists; `revise` when every seat voted and
no vote has one. Pure, so the rule is tested on its own."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

VOTES = ("approve", "reject", "revise")
OUTCOME = {"approve": "passed", "reject": "rejected", "revise": "revise"}


def outcome(votes: Iterable[str | None], panel_size: int) -> str | None:
    """The review's status after these votes (None for a seat not voted yet), or None while
    it is still open."""
    votes = list(votes)
    cast = Counter(v for v in votes if v is not None)
    for vote, count in cast.items():
        if count * 2 > panel_size:  # more than half the panel
            return OUTCOME[vote]
    if sum(cast.values()) >= panel_size:
        return "revise"
    return None


def counts(votes: Iterable[str | None]) -> dict[str, int]:
    """Votes cast per choice, every choice present (the public summary shows no names)."""
    cast = Counter(v for v in votes if v is not None)
    return {vote: cast.get(vote, 0) for vote in VOTES}
