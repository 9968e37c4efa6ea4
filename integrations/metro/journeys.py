"""Metro journey records -> TripRecord (pure: no I/O, no database).

A journey is `{external_trip_id, external_account, entry_station, exit_station, entry_time,
exit_time}`; times are ISO-8601 with an offset. The credited distance is the shortest path through
the operator's station network (METHODOLOGY.md, "Distance").
"""

from __future__ import annotations

from typing import Any, Protocol

import msgspec

from domain.network.graph import NetworkError, Stop, UnknownStation
from domain.trips.model import BadRecord, Mode, Reason, TripRecord
from domain.trips.readers import ReadContext, Reading
from integrations.records import AwareTime, BadField, Id, utc

Code = Id  # a station code: 1..128 characters, no NUL


class StationNetwork(Protocol):
    """What the adapters need of domain.network.graph.Network."""

    def distance_m(self, a: str, b: str) -> int: ...

    def stop(self, code: str) -> Stop: ...


class _Journey(msgspec.Struct, frozen=True):
    external_trip_id: Id
    external_account: Id
    entry_station: Code
    exit_station: Code
    entry_time: AwareTime
    exit_time: AwareTime


def read_journeys(records: list[object], network: StationNetwork) -> list[TripRecord | BadRecord]:
    """One output per record, in input order; an unreadable record becomes a BadRecord."""
    out: list[TripRecord | BadRecord] = []
    for index, record in enumerate(records):
        try:
            journey = msgspec.convert(record, _Journey)
            started = utc(journey.entry_time, "entry_time")
            ended = utc(journey.exit_time, "exit_time")
        except (msgspec.ValidationError, BadField) as exc:
            out.append(bad_record(index, record, "external_trip_id", exc))
            continue
        distance, reason, detail = metro_distance(
            network, journey.entry_station, journey.exit_station
        )
        out.append(
            TripRecord(
                external_trip_id=journey.external_trip_id,
                external_account=journey.external_account,
                mode=Mode.METRO,
                started_at=started,
                ended_at=ended,
                distance_m=distance,
                origin=journey.entry_station,
                destination=journey.exit_station,
                reason=reason,
                detail=detail,
            )
        )
    return out


def metro_distance(
    network: StationNetwork, entry: str, exit_: str
) -> tuple[int | None, Reason | None, str | None]:
    """(distance_m, reason, detail): the network path; 0 + zero_distance for the same station;
    None + unknown_station for a station the network does not know (or cannot reach)."""
    for code in (entry, exit_):
        try:
            network.stop(code)
        except UnknownStation:
            return None, Reason.UNKNOWN_STATION, f"unknown station: {code!r}"
    if entry == exit_:
        return 0, Reason.ZERO_DISTANCE, f"entry and exit at the same station {entry!r}"
    try:
        return network.distance_m(entry, exit_), None, None
    except UnknownStation as exc:
        return None, Reason.UNKNOWN_STATION, exc.detail
    except NetworkError as exc:  # stations known but not connected: no distance to credit
        return None, Reason.UNKNOWN_STATION, exc.detail


def bad_record(index: int, record: object, id_field: str, exc: Exception) -> BadRecord:
    """A BadRecord carrying the record's trip id when that much is readable."""
    trip_id: Any = record.get(id_field) if isinstance(record, dict) else None
    if not (isinstance(trip_id, str) and 0 < len(trip_id) <= 128):
        trip_id = None
    return BadRecord(index=index, external_trip_id=trip_id, detail=str(exc))


class JourneyReader:
    """Format `metro-journeys`: each record a whole journey, distance along the network."""

    async def read(self, ctx: ReadContext, records: list[Any]) -> Reading:
        return Reading(items=read_journeys(records, await ctx.network()))
