"""What a trip is, once an adapter has read it from an operator's format (pure data)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import msgspec


class Mode(StrEnum):
    METRO = "metro"
    BUS = "bus"
    BIKESHARE = "bikeshare"


class Status(StrEnum):
    CREDITED = "credited"
    REJECTED = "rejected"
    CAPPED = "capped"
    PENDING = "pending"
    REVERSED = "reversed"
    DUPLICATE = "duplicate"  # only in batch results: the stored outcome is reported alongside


class Reason(StrEnum):
    """Stable machine codes (METHODOLOGY.md), plus `invalid_record` for unreadable input."""

    UNBOUND = "unbound"
    NO_CONSENT = "no_consent"
    TOO_OLD = "too_old"
    IN_FUTURE = "in_future"
    TOO_SHORT = "too_short"
    ZERO_DISTANCE = "zero_distance"
    TOO_FAST = "too_fast"
    BAD_DURATION = "bad_duration"
    OVERLAP = "overlap"
    UNKNOWN_STATION = "unknown_station"
    DAILY_TRIP_CAP = "daily_trip_cap"
    DAILY_POINTS_CAP = "daily_points_cap"
    DUPLICATE = "duplicate"
    INVALID_RECORD = "invalid_record"
    NO_METHODOLOGY = "no_methodology"  # no methodology version was in force when the trip ended


MAX_DISTANCE_M = 1_000_000  # 1000 km: no trip in a city is longer (and it is stored in 32 bits)


class TripRecord(msgspec.Struct, frozen=True, kw_only=True):
    """One trip as read from a feed, before any rule. Times are timezone-aware UTC.

    `distance_m` is the distance the methodology credits (already the conservative choice, e.g.
    network shortest path for metro, min(route, reported) for bike-share); None when the adapter
    could not compute one, with `reason` saying why (e.g. unknown_station).
    """

    external_trip_id: str
    external_account: str
    mode: Mode
    started_at: datetime
    ended_at: datetime
    distance_m: int | None
    duration_known: bool = True  # False for a bus boarding without an alighting time
    uses_default_distance: bool = False  # bus without alighting stop: the methodology's default
    origin: str | None = None  # station / stop code or "lat,lon"
    destination: str | None = None
    reason: Reason | None = None  # set by the adapter when the record cannot be credited
    detail: str | None = None


def unstorable(record: TripRecord) -> str | None:
    """Why a record its adapter could read still cannot be a trip (a route summed to a million
    kilometres, say), or None. Such a record is an `invalid_record` like an unreadable one."""
    if record.distance_m is not None and not 0 <= record.distance_m <= MAX_DISTANCE_M:
        return f"distance {record.distance_m} m is outside 0..{MAX_DISTANCE_M} m"
    return None


class BadRecord(msgspec.Struct, frozen=True, kw_only=True):
    """A record that could not be read at all. Reported per record; never fails the batch."""

    index: int
    external_trip_id: str | None
    detail: str
