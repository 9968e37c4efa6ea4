"""Staff accounts and their sign-in failure counts, in memory."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.identity.lockout import Attempt
from domain.persistence.tables import Staff
from tests.fakes.state import Stored, violation, with_defaults


class FakeStaff(Stored):
    tables = ("rows",)

    def __init__(self) -> None:
        self.rows: dict[str, Staff] = {}

    def add(self, staff: Staff) -> None:
        if staff.id in self.rows:
            raise violation("PRIMARY KEY staff")
        if any(s.username == staff.username for s in self.rows.values()):
            raise violation("UNIQUE staff.username")
        self.rows[staff.id] = with_defaults(staff)

    async def get(self, staff_id: str) -> Staff | None:
        return self.rows.get(staff_id)

    async def by_username(self, username: str) -> Staff | None:
        return next((s for s in self.rows.values() if s.username == username), None)


@dataclass
class Failures:
    failures: int
    window_started_at: datetime
    locked_until: datetime | None


class FakeStaffLogins(Stored):
    """The same rules as the upsert in domain/persistence/repositories/staff_logins.py."""

    tables = ("rows",)

    def __init__(self) -> None:
        self.rows: dict[str, Failures] = {}

    async def count_attempt(
        self,
        username: str,
        now: datetime,
        *,
        window_start: datetime,
        max_failures: int,
        lock_until: datetime,
    ) -> Attempt:
        row = self.rows.get(username)
        if row is not None and row.locked_until is not None and row.locked_until > now:
            return Attempt(allowed=False, locked_until=row.locked_until)
        if row is None or row.window_started_at <= window_start or row.locked_until is not None:
            row = Failures(0, now, None)
        row.failures += 1
        row.locked_until = lock_until if row.failures >= max_failures else None
        self.rows[username] = row
        return Attempt(allowed=True, locked_until=row.locked_until)

    async def clear(self, username: str) -> None:
        self.rows.pop(username, None)

    async def purge(self, now: datetime, *, window_start: datetime) -> None:
        self.rows = {
            u: r
            for u, r in self.rows.items()
            if r.window_started_at > window_start or (r.locked_until or now) > now
        }
