"""Staff sign-in lockout: so many wrong passwords within a window lock the username, whatever
the address they came from, for a while (the policy; the counts are in the database).

An attempt is counted before its password is checked, in a stage of its own that commits at
once: concurrent guesses cannot slip past the limit, and a refused request still leaves its
count behind. A success deletes the count. Usernames that do not exist are counted and locked
like the others, so a lock says nothing about whether an account exists.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.errors import TooManyAttempts


class AccountLocked(TooManyAttempts):
    """Too many wrong passwords for this account: it is locked for a while."""

    code = "account_locked"


@dataclass(frozen=True, slots=True)
class LockoutPolicy:
    max_failures: int = 10
    window: timedelta = timedelta(minutes=15)
    lock: timedelta = timedelta(minutes=15)

    def window_start(self, now: datetime) -> datetime:
        """Failures counted at or before this instant no longer count."""
        return now - self.window

    def lock_until(self, now: datetime) -> datetime:
        return now + self.lock


@dataclass(frozen=True, slots=True)
class Attempt:
    """What counting one sign-in attempt found: `allowed` is False while a lock holds (the
    attempt was not counted); `locked_until` is set once the account is locked, possibly by
    this very attempt, which is then the last one allowed."""

    allowed: bool
    locked_until: datetime | None


def locked(until: datetime, now: datetime) -> AccountLocked:
    seconds = max(1, math.ceil((until - now).total_seconds()))
    return AccountLocked(
        "too many wrong passwords: this account is locked for a while",
        retry_after=seconds,
        locked_until=until.isoformat(),
    )
