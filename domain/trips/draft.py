"""A trip being decided: built from a feed record (new) or a stored pending trip (retroactive)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from domain.clock import shanghai_date
from domain.ledger.chain import trip_fingerprint
from domain.methodology.params import PointsRule
from domain.trips.model import Mode, Reason, Status, TripRecord


@dataclass(slots=True)
class TripDraft:
    id: str
    operator_id: str
    record: TripRecord
    account_hash: str
    received_at: datetime
    citizen_id: str | None = None
    consent_given_at: datetime | None = None
    distance_m: int | None = None
    reduction_g: int = 0
    points: int = 0
    status: Status = Status.REJECTED
    reason: Reason | None = None
    methodology_code: str | None = None
    methodology_version: int | None = None
    decided_at: datetime | None = None
    fingerprint: str = ""
    points_rule: PointsRule | None = None  # the caps and rate of the version that assessed it

    @property
    def day(self) -> date:
        return shanghai_date(self.record.ended_at)

    def decide(self, status: Status, reason: Reason | None, now: datetime) -> None:
        self.status, self.reason, self.decided_at = status, reason, now
        if status is not Status.CREDITED:
            self.points = 0
        self.fingerprint = trip_fingerprint(
            operator_id=self.operator_id,
            external_trip_id=self.record.external_trip_id,
            account_hash=self.account_hash,
            mode=self.record.mode.value,
            started_at=self.record.started_at,
            ended_at=self.record.ended_at,
            distance_m=self.distance_m,
            reduction_g=self.reduction_g,
            points=self.points,
            methodology=f"{self.methodology_code}/{self.methodology_version}",
        )

    def row(self) -> dict[str, Any]:
        r = self.record
        return {
            "id": self.id,
            "operator_id": self.operator_id,
            "external_trip_id": r.external_trip_id,
            "account_hash": self.account_hash,
            "citizen_id": self.citizen_id,
            "mode": r.mode.value,
            "started_at": r.started_at,
            "ended_at": r.ended_at,
            "day": self.day,
            "distance_m": self.distance_m,
            "reduction_g": self.reduction_g,
            "points": self.points,
            "status": self.status.value,
            "reason": self.reason.value if self.reason else None,
            "methodology_code": self.methodology_code,
            "methodology_version": self.methodology_version,
            "origin": r.origin,
            "destination": r.destination,
            "received_at": self.received_at,
            "decided_at": self.decided_at,
            "fingerprint": self.fingerprint,
        }


def record_of_stored(
    *,
    external_trip_id: str,
    mode: str,
    started_at: datetime,
    ended_at: datetime,
    distance_m: int | None,
    origin: str | None,
    destination: str | None,
) -> TripRecord:
    """Rebuild the record of a stored (pending) trip. Its distance is already the credited one.

    A bus boarding stored without an alighting time has started_at == ended_at: its duration
    was unknown, so the duration and speed rules do not apply to it.
    """
    m = Mode(mode)
    return TripRecord(
        external_trip_id=external_trip_id,
        external_account="",
        mode=m,
        started_at=started_at,
        ended_at=ended_at,
        distance_m=distance_m,
        duration_known=not (m is Mode.BUS and started_at == ended_at),
        origin=origin,
        destination=destination,
    )
