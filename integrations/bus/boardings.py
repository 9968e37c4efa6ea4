"""Bus boarding records -> TripRecord (pure: no I/O, no database).

A boarding is `{external_trip_id, external_account, route_id, board_stop, board_time,
alight_stop?, alight_time?}`; times are ISO-8601 with an offset; stops are codes of the operator's
imported network. Distance (METHODOLOGY.md, "Distance"): the great-circle line between the boarding
and alighting stops times the route-detour factor 1.3, computed in floating point and then floored
to whole metres: `floor(haversine_m(board, alight) * 1.3)`. Without an alighting stop the distance
is left to the methodology's default (`distance_m=None, uses_default_distance=True`); without an
alighting time the trip ends when it started and `duration_known=False`.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any, Protocol

import msgspec

from domain.network.graph import Stop, UnknownStation, haversine_m
from domain.trips.model import BadRecord, Mode, Reason, TripRecord
from domain.trips.readers import ReadContext, Reading
from integrations.records import AwareTime, BadField, Id, utc

DETOUR_FACTOR = 1.3


class StopNetwork(Protocol):
    def stop(self, code: str) -> Stop: ...


class _Boarding(msgspec.Struct, frozen=True):
    external_trip_id: Id
    external_account: Id
    route_id: Id
    board_stop: Id
    board_time: AwareTime
    alight_stop: Id | None = None
    alight_time: AwareTime | None = None


def read_boardings(records: list[object], network: StopNetwork) -> list[TripRecord | BadRecord]:
    """One output per record, in input order; an unreadable record becomes a BadRecord."""
    out: list[TripRecord | BadRecord] = []
    for index, record in enumerate(records):
        try:
            boarding = msgspec.convert(record, _Boarding)
            started = utc(boarding.board_time, "board_time")
            alight = boarding.alight_time
            ended = started if alight is None else utc(alight, "alight_time")
        except (msgspec.ValidationError, BadField) as exc:
            out.append(BadRecord(index=index, external_trip_id=_trip_id(record), detail=str(exc)))
            continue
        out.append(_trip(boarding, started, ended, network))
    return out


def _trip(b: _Boarding, started: datetime, ended: datetime, network: StopNetwork) -> TripRecord:
    distance, reason, detail = _distance(network, b.board_stop, b.alight_stop)
    return TripRecord(
        external_trip_id=b.external_trip_id,
        external_account=b.external_account,
        mode=Mode.BUS,
        started_at=started,
        ended_at=ended,
        distance_m=distance,
        duration_known=b.alight_time is not None,
        uses_default_distance=b.alight_stop is None,
        origin=b.board_stop,
        destination=b.alight_stop,
        reason=reason,
        detail=detail,
    )


def _distance(
    network: StopNetwork, board: str, alight: str | None
) -> tuple[int | None, Reason | None, str | None]:
    stops: list[Stop] = []
    for code in (board,) if alight is None else (board, alight):
        try:
            stops.append(network.stop(code))
        except UnknownStation:
            return None, Reason.UNKNOWN_STATION, f"unknown stop: {code!r}"
    if alight is None:
        return None, None, None
    if alight == board:
        return 0, Reason.ZERO_DISTANCE, f"boarded and alighted at the same stop {board!r}"
    a, z = stops
    return math.floor(haversine_m(a.lat, a.lon, z.lat, z.lon) * DETOUR_FACTOR), None, None


def _trip_id(record: object) -> str | None:
    value: Any = record.get("external_trip_id") if isinstance(record, dict) else None
    return value if isinstance(value, str) and 0 < len(value) <= 128 else None


class BoardingReader:
    """Format `bus-boardings`: each record a boarding, distance from the operator's stops."""

    async def read(self, ctx: ReadContext, records: list[Any]) -> Reading:
        return Reading(items=read_boardings(records, await ctx.network()))
