"""Per-trip crediting rules (METHODOLOGY.md): pure checks, first failure wins.

Overlap with other credited trips and the daily caps depend on the citizen's other trips; they are
applied by the caller (`overlaps` here, `caps.apply_caps`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.errors import InvalidInput
from domain.methodology.params import MethodologyParams, ModeParams
from domain.trips.model import Reason, TripRecord

_ONE_US = timedelta(microseconds=1)
_US_PER_H = 3_600_000_000


def _aware(name: str, moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidInput(f"{name} must be timezone-aware, got {moment.isoformat()}")


def credited_distance_m(trip: TripRecord, mode: ModeParams) -> int:
    """The distance the methodology credits: the trip's own, or the mode's default length when the
    adapter marked the trip `uses_default_distance` (InvalidInput if the mode has none)."""
    if trip.uses_default_distance:
        default = mode.default_trip_m
        if default is None:
            raise InvalidInput(
                f"trip {trip.external_trip_id}: mode {trip.mode.value} has no default trip length",
                code="invalid_methodology",
            )
        return default
    if trip.distance_m is None or trip.distance_m < 0:
        raise InvalidInput(
            f"trip {trip.external_trip_id}: no usable distance ({trip.distance_m!r})",
            code="invalid_record",
        )
    return trip.distance_m


def check(
    trip: TripRecord,
    params: MethodologyParams,
    *,
    received_at: datetime,
    consent_given_at: datetime | None,
) -> Reason | None:
    """The first per-trip rule the trip fails, or None when it may be credited."""
    if trip.reason is not None:
        return trip.reason
    for name, moment in (
        ("received_at", received_at),
        ("started_at", trip.started_at),
        ("ended_at", trip.ended_at),
    ):
        _aware(name, moment)
    if consent_given_at is not None:
        _aware("consent_given_at", consent_given_at)
    mode = params.for_mode(trip.mode)

    if trip.ended_at > received_at + timedelta(seconds=params.future_tolerance_s):
        return Reason.IN_FUTURE
    if trip.ended_at < received_at - timedelta(days=params.window_days):
        return Reason.TOO_OLD
    if consent_given_at is None or consent_given_at > trip.ended_at:
        return Reason.NO_CONSENT

    duration = trip.ended_at - trip.started_at
    if trip.duration_known and (
        duration < timedelta(0)
        or duration < timedelta(seconds=mode.min_duration_s)
        or duration > timedelta(seconds=mode.max_duration_s)
    ):
        return Reason.BAD_DURATION

    if not trip.uses_default_distance and (trip.distance_m is None or trip.distance_m < 0):
        return Reason.INVALID_RECORD  # an adapter left no distance and no reason
    distance_m = credited_distance_m(trip, mode)
    if distance_m == 0:
        return Reason.ZERO_DISTANCE
    if distance_m < mode.min_distance_m:
        return Reason.TOO_SHORT
    if trip.duration_known and duration > timedelta(0):
        # distance_m / duration_h > max_m_per_h, cross-multiplied in microseconds: exact.
        duration_us = duration // _ONE_US
        if distance_m * _US_PER_H > mode.max_speed_m_per_h * duration_us:
            return Reason.TOO_FAST
    return None


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    """Whether the open intervals (a_start, a_end) and (b_start, b_end) intersect. Touching
    (a_end == b_start) is not an overlap; an empty interval (start >= end) overlaps nothing."""
    return max(a_start, b_start) < min(a_end, b_end)
