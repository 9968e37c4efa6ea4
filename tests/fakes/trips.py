"""Trips in memory: stored once per (operator, external trip id), as the unique key says."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from domain.persistence.repositories.trips import StoredOutcome
from domain.persistence.tables import OpenTap, Trip
from tests.fakes.state import Stored, violation


class FakeTrips(Stored):
    tables = ("rows", "taps")

    def __init__(self) -> None:
        self.rows: dict[str, Trip] = {}
        self.taps: dict[tuple[str, str, datetime, str, str], OpenTap] = {}  # by primary key

    def _by_key(self, operator_id: str, external_trip_id: str) -> Trip | None:
        return next(
            (
                t
                for t in self.rows.values()
                if t.operator_id == operator_id and t.external_trip_id == external_trip_id
            ),
            None,
        )

    def insert_new(self, rows: list[dict[str, Any]]) -> set[str]:
        """INSERT ... ON CONFLICT (operator_id, external_trip_id) DO NOTHING RETURNING id."""
        inserted = set()
        for row in rows:
            if self._by_key(row["operator_id"], row["external_trip_id"]) is not None:
                continue
            if row["id"] in self.rows:
                raise violation("UNIQUE trips.id")
            self.rows[row["id"]] = Trip(**row)
            inserted.add(row["id"])
        return inserted

    def by_external(self, operator_id: str, external_trip_id: str) -> Trip | None:
        return self._by_key(operator_id, external_trip_id)

    async def existing(
        self, operator_id: str, external_ids: Iterable[str]
    ) -> dict[str, StoredOutcome]:
        out = {}
        for ext in set(external_ids):
            t = self._by_key(operator_id, ext)
            if t is not None:
                out[ext] = StoredOutcome(id=t.id, status=t.status, points=t.points)
        return out

    async def credited_overlapping(
        self, spans: dict[str, tuple[datetime, datetime]]
    ) -> list[tuple[str, datetime, datetime]]:
        return [
            (t.citizen_id, t.started_at, t.ended_at)
            for t in self.rows.values()
            if t.status == "credited"
            and t.citizen_id in spans
            and t.ended_at > spans[t.citizen_id][0]
            and t.started_at < spans[t.citizen_id][1]
        ]

    async def credited_between(
        self, citizen_ids: Iterable[str], lo: datetime, hi: datetime
    ) -> list[tuple[str, datetime, datetime]]:
        ids = set(citizen_ids)
        return [
            (t.citizen_id, t.started_at, t.ended_at)
            for t in self.rows.values()
            if t.citizen_id in ids
            and t.status == "credited"
            and t.ended_at > lo
            and t.started_at < hi
        ]

    async def update_outcomes(self, rows: list[dict[str, Any]]) -> None:
        for row in rows:  # bulk UPDATE by primary key
            trip = self.rows.get(row["id"])
            if trip is not None:
                for name, value in row.items():
                    setattr(trip, name, value)

    async def pending_for(self, operator_id: str, account_hash: str) -> list[Trip]:
        return sorted(
            (
                t
                for t in self.rows.values()
                if t.operator_id == operator_id
                and t.account_hash == account_hash
                and t.status == "pending"
            ),
            key=lambda t: t.ended_at,
        )

    async def expire_pending(self, ended_before: datetime, now: datetime) -> int:
        due = [t for t in self.rows.values() if t.status == "pending" and t.ended_at < ended_before]
        for t in due:
            t.status, t.reason, t.decided_at = "rejected", "unbound", now
        return len(due)

    async def erase_of_citizen(self, citizen_id: str, now: datetime) -> int:
        erased = [t for t in self.rows.values() if t.citizen_id == citizen_id and not t.erased_at]
        for t in erased:
            t.account_hash = t.origin = t.destination = t.started_at = t.ended_at = None
            t.erased_at = now
        return len(erased)

    async def of_citizen(
        self, citizen_id: str, *, before: tuple[datetime, str] | None, limit: int
    ) -> list[Trip]:
        rows = sorted(
            (t for t in self.rows.values() if t.citizen_id == citizen_id),
            key=lambda t: (t.ended_at, t.id),
            reverse=True,
        )
        if before is not None:
            rows = [t for t in rows if (t.ended_at, t.id) < before]
        return rows[:limit]

    async def open_taps(self, operator_id: str, account_hashes: Iterable[str]) -> list[OpenTap]:
        hashes = set(account_hashes)
        return [t for (op, h, *_), t in self.taps.items() if op == operator_id and h in hashes]

    async def drop_open_taps_before(self, cutoff) -> int:
        gone = [k for k, t in self.taps.items() if t.tapped_at < cutoff]
        for key in gone:
            del self.taps[key]
        return len(gone)

    async def replace_open_taps(
        self, operator_id: str, account_hashes: Iterable[str], rows: list[dict[str, Any]]
    ) -> None:
        hashes = set(account_hashes)
        for key in [k for k in self.taps if k[0] == operator_id and k[1] in hashes]:
            del self.taps[key]
        for row in rows:  # INSERT ... ON CONFLICT DO NOTHING
            if row["direction"] not in ("in", "out"):
                raise violation("CHECK ck_open_taps_direction")
            key = (
                row["operator_id"],
                row["account_hash"],
                row["tapped_at"],
                row["direction"],
                row["station"],
            )
            self.taps.setdefault(key, OpenTap(**row))
