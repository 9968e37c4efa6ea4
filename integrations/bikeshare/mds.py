"""MDS trips (1.2 and 2.0) -> TripRecord (pure: no I/O, no database).

The version is told per record by its fields: 1.2 has `trip_duration`, `trip_distance`, `route`;
2.0 has `duration`, `distance`, `start_location`, `end_location`. Times are milliseconds since the
epoch. MDS leaves the rider out, so every record also carries `external_account`.

Distance (METHODOLOGY.md): the route's length (sum of great-circle segments between its points in
timestamp order) when the route has at least two points, else the reported distance, else the
straight line between start and end; with both a route and a reported distance, the smaller.
Floored to whole metres.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Annotated, Any, Literal

import msgspec

from domain.network.graph import haversine_m
from domain.trips.model import BadRecord, Mode, TripRecord
from domain.trips.readers import ReadContext, Reading
from integrations.records import BadField, Id, Text, utc

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_Ms = Annotated[int, msgspec.Meta(ge=0, le=253_402_300_799_999)]  # up to 9999-12-31
_Amount = Annotated[float, msgspec.Meta(ge=0, le=1e12)]  # seconds or metres; finite
_Lat = Annotated[float, msgspec.Meta(ge=-90, le=90)]
_Lng = Annotated[float, msgspec.Meta(ge=-180, le=180)]

_V12_FIELDS = frozenset({"trip_duration", "trip_distance", "route"})
_V20_FIELDS = frozenset({"duration", "distance", "start_location", "end_location"})

Point = tuple[float, float]  # (lat, lon)


class _Geometry(msgspec.Struct, frozen=True):
    type: Literal["Point"]
    coordinates: Annotated[list[float], msgspec.Meta(min_length=2, max_length=3)]  # lon, lat[, alt]


class _Properties(msgspec.Struct, frozen=True):
    timestamp: _Ms


class _Feature(msgspec.Struct, frozen=True):
    geometry: _Geometry
    properties: _Properties
    type: Literal["Feature"] = "Feature"


class _Route(msgspec.Struct, frozen=True):
    features: list[_Feature]
    type: Literal["FeatureCollection"] = "FeatureCollection"


class _Location(msgspec.Struct, frozen=True):
    lat: _Lat
    lng: _Lng


class _Trip12(msgspec.Struct, frozen=True):
    trip_id: Id
    external_account: Id
    start_time: _Ms
    end_time: _Ms
    device_id: Text | None = None
    trip_duration: _Amount | None = None
    trip_distance: _Amount | None = None
    route: _Route | None = None


class _Trip20(msgspec.Struct, frozen=True):
    trip_id: Id
    external_account: Id
    start_time: _Ms
    end_time: _Ms
    device_id: Text | None = None
    duration: _Amount | None = None
    distance: _Amount | None = None
    start_location: _Location | None = None
    end_location: _Location | None = None


class _Unreadable(Exception):
    pass


def read_mds_trips(records: list[object]) -> list[TripRecord | BadRecord]:
    """One output per record, in input order; an unreadable record becomes a BadRecord."""
    out: list[TripRecord | BadRecord] = []
    for index, record in enumerate(records):
        try:
            out.append(_read(record))
        except (msgspec.ValidationError, _Unreadable, BadField) as exc:
            out.append(BadRecord(index=index, external_trip_id=_trip_id(record), detail=str(exc)))
    return out


def _read(record: object) -> TripRecord:
    keys = set(record) if isinstance(record, dict) else set()
    v12, v20 = bool(keys & _V12_FIELDS), bool(keys & _V20_FIELDS)
    if v12 and v20:
        raise _Unreadable("mixes MDS 1.2 and 2.0 trip fields")
    if v12:
        t12 = msgspec.convert(record, _Trip12)
        route = _route_points(t12.route)
        start, end = (route[0], route[-1]) if route else (None, None)
        return _trip(t12, route, t12.trip_distance, start, end)
    if v20:
        t20 = msgspec.convert(record, _Trip20)
        start, end = (_point(t20.start_location), _point(t20.end_location))
        return _trip(t20, [], t20.distance, start, end)
    msgspec.convert(record, _Trip20)  # names what is missing when the record is barely there
    raise _Unreadable("no MDS 1.2 or 2.0 trip fields (route, distance, locations)")


def _trip(
    t: _Trip12 | _Trip20,
    route: list[Point],
    reported: float | None,
    start: Point | None,
    end: Point | None,
) -> TripRecord:
    return TripRecord(
        external_trip_id=t.trip_id,
        external_account=t.external_account,
        mode=Mode.BIKESHARE,
        started_at=utc(_EPOCH + timedelta(milliseconds=t.start_time), "start_time"),
        ended_at=utc(_EPOCH + timedelta(milliseconds=t.end_time), "end_time"),
        distance_m=_distance_m(route, reported, start, end),
        origin=_place(start),
        destination=_place(end),
    )


def _distance_m(
    route: list[Point], reported: float | None, start: Point | None, end: Point | None
) -> int:
    length = sum(haversine_m(*a, *b) for a, b in pairwise(route)) if len(route) >= 2 else None
    if length is not None and reported is not None:
        return math.floor(min(length, reported))
    if length is not None:
        return math.floor(length)
    if reported is not None:
        return math.floor(reported)
    if start is not None and end is not None:
        return math.floor(haversine_m(*start, *end))
    raise _Unreadable("no route, reported distance or start and end locations")


def _route_points(route: _Route | None) -> list[Point]:
    """The route's (lat, lon) points in timestamp order (stable for equal timestamps)."""
    if route is None:
        return []
    features = sorted(route.features, key=lambda f: f.properties.timestamp)
    points: list[Point] = []
    for feature in features:
        lon, lat = feature.geometry.coordinates[:2]
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            at = feature.properties.timestamp
            raise _Unreadable(f"route point at {at} is not a position: [{lon!r}, {lat!r}]")
        points.append((lat, lon))
    return points


def _point(location: _Location | None) -> Point | None:
    return None if location is None else (location.lat, location.lng)


def _place(point: Point | None) -> str | None:
    return None if point is None else f"{point[0]:.6f},{point[1]:.6f}"


def _trip_id(record: object) -> str | None:
    value: Any = record.get("trip_id") if isinstance(record, dict) else None
    return value if isinstance(value, str) and 0 < len(value) <= 128 else None


class MdsReader:
    """Formats `mds-1.2` and `mds-2.0`: MDS trips (both shapes are read), plus the rider's
    `external_account`; distance from the route, capped by the reported one."""

    async def read(self, ctx: ReadContext, records: list[Any]) -> Reading:
        return Reading(items=read_mds_trips(records))
