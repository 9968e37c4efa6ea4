"""Adjustments, donations and idempotency keys, in memory."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.persistence.tables import Adjustment, Donation, DonationProject, IdempotencyRecord
from tests.fakes.state import Stored, violation


class FakeAdjustments(Stored):
    tables = ("rows",)

    def __init__(self) -> None:
        self.rows: dict[str, Adjustment] = {}

    def add(self, adjustment: Adjustment) -> None:
        if adjustment.points == 0:
            raise violation("CHECK points_not_zero")
        self.rows[adjustment.id] = adjustment

    async def get(self, adjustment_id: str, *, for_update: bool = False) -> Adjustment | None:
        return self.rows.get(adjustment_id)

    async def list(self, *, status: str | None, after: str | None, limit: int) -> list[Adjustment]:
        rows = [
            a
            for a in self.rows.values()
            if (status is None or a.status == status) and (after is None or a.id > after)
        ]
        return sorted(rows, key=lambda a: a.id)[:limit]

    def check(self) -> None:
        """CHECK (decided_by IS NULL OR decided_by <> proposed_by), at flush as in SQL."""
        if any(a.decided_by == a.proposed_by for a in self.rows.values()):
            raise violation("CHECK four_eyes")


class FakeDonations(Stored):
    tables = ("project_rows", "rows")

    def __init__(self) -> None:
        self.project_rows: dict[str, DonationProject] = {}
        self.rows: dict[str, Donation] = {}

    def add_project(self, project: DonationProject) -> None:
        self.project_rows[project.id] = project

    async def project(self, project_id: str) -> DonationProject | None:
        return self.project_rows.get(project_id)

    async def projects(self, *, active_only: bool) -> list[DonationProject]:
        rows = [p for p in self.project_rows.values() if p.active or not active_only]
        return sorted(rows, key=lambda p: p.id)

    async def totals(self) -> dict[str, tuple[int, int, int]]:
        out: dict[str, tuple[int, int, int]] = {}
        for d in self.rows.values():
            n, u, s = out.get(d.project_id, (0, 0, 0))
            out[d.project_id] = (n + 1, u + d.units, s + d.points)
        return out

    def add(self, donation: Donation) -> None:
        if donation.project_id not in self.project_rows:
            raise violation("FOREIGN KEY donations.project_id")
        if donation.units <= 0:
            raise violation("CHECK units_positive")
        self.rows[donation.id] = donation

    async def of_citizen(
        self, citizen_id: str, *, before: str | None, limit: int
    ) -> list[Donation]:
        rows = [
            d
            for d in self.rows.values()
            if d.citizen_id == citizen_id and (before is None or d.id < before)
        ]
        return sorted(rows, key=lambda d: d.id, reverse=True)[:limit]


class FakeIdempotency(Stored):
    tables = ("rows",)

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], IdempotencyRecord] = {}

    async def claim(self, owner: str, key: str, request_hash: str, now: datetime) -> bool:
        """INSERT ... ON CONFLICT (owner, key) DO NOTHING: True if this call inserted it."""
        if (owner, key) in self.rows:
            return False
        self.rows[(owner, key)] = IdempotencyRecord(
            owner=owner,
            key=key,
            request_hash=request_hash,
            status_code=None,
            response=None,
            created_at=now,
        )
        return True

    async def get(self, owner: str, key: str) -> IdempotencyRecord | None:
        return self.rows.get((owner, key))

    async def answer(self, owner: str, key: str, status_code: int, response: Any) -> None:
        record = self.rows.get((owner, key))
        if record is not None:
            record.status_code, record.response = status_code, response

    async def delete_of_owner(self, owner: str) -> None:
        self.rows = {k: r for k, r in self.rows.items() if k[0] != owner}
