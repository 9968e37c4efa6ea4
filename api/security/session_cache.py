"""What this process remembers of the database's answer to "does this session still stand?".

A standing session is remembered for a few seconds (PUHUI_SESSION_CACHE_SECONDS), an ended one
until the cache fills: sessions never come back. After a revocation commits, this process forgets
the sessions it ended at once; other processes see the database within the few seconds. An answer
read before a revocation committed is not stored if a revocation came in meanwhile (`epoch`).
"""

from __future__ import annotations

import time
from collections.abc import Callable


class SessionCache:
    def __init__(
        self,
        standing_seconds: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_entries: int = 100_000,
    ) -> None:
        self._standing_seconds = standing_seconds
        self._clock = clock
        self._max = max_entries
        # family id -> (subject id, stands, remembered until)
        self._entries: dict[str, tuple[str, bool, float]] = {}
        self._families_of: dict[str, set[str]] = {}
        self.epoch = 0  # bumped by every forget: answers read before it are stale

    def get(self, family_id: str, subject_id: str) -> bool | None:
        """True or False as remembered, None if unknown (ask the database)."""
        entry = self._entries.get(family_id)
        if entry is None or entry[0] != subject_id:
            return None
        if entry[2] <= self._clock():
            self._drop(family_id)
            return None
        return entry[1]

    def put(self, family_id: str, subject_id: str, stands: bool, epoch: int) -> None:
        """Remember an answer read when `self.epoch` was `epoch` (unless a forget came since)."""
        if epoch != self.epoch or (stands and self._standing_seconds <= 0):
            return
        if len(self._entries) >= self._max:
            self._entries.clear()
            self._families_of.clear()
        until = self._clock() + self._standing_seconds if stands else float("inf")
        self._entries[family_id] = (subject_id, stands, until)
        self._families_of.setdefault(subject_id, set()).add(family_id)

    def forget_family(self, family_id: str) -> None:
        self.epoch += 1
        self._drop(family_id)

    def forget_subject(self, subject_id: str) -> None:
        self.epoch += 1
        for family_id in self._families_of.pop(subject_id, set()):
            self._entries.pop(family_id, None)

    def _drop(self, family_id: str) -> None:
        entry = self._entries.pop(family_id, None)
        if entry is not None:
            families = self._families_of.get(entry[0])
            if families is not None:
                families.discard(family_id)
                if not families:
                    del self._families_of[entry[0]]
