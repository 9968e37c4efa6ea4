"""The documented body of `POST /v1/operators/{operator_id}/trips` (API.md, "Record formats").

The handler reads the body itself (each record is checked by its format's reader, so one bad
record is that record's `invalid_record`), so Litestar cannot derive this schema; api/openapi.py
puts it in the document.
"""

from __future__ import annotations

from typing import Any

MAX_RECORDS = 1000

_ID = {"type": "string", "minLength": 1, "maxLength": 128}
_TIME = {"type": "string", "format": "date-time", "description": "ISO-8601 with an offset"}
_MS = {"type": "integer", "minimum": 0, "maximum": 253_402_300_799_999}
_AMOUNT = {"type": "number", "minimum": 0, "maximum": 1e12}
_LOCATION = {
    "type": "object",
    "required": ["lat", "lng"],
    "properties": {
        "lat": {"type": "number", "minimum": -90, "maximum": 90},
        "lng": {"type": "number", "minimum": -180, "maximum": 180},
    },
}
_ROUTE = {
    "type": "object",
    "description": "GeoJSON FeatureCollection of Points with properties.timestamp (ms)",
    "required": ["features"],
    "properties": {
        "type": {"const": "FeatureCollection"},
        "features": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["geometry", "properties"],
                "properties": {
                    "type": {"const": "Feature"},
                    "geometry": {
                        "type": "object",
                        "required": ["type", "coordinates"],
                        "properties": {
                            "type": {"const": "Point"},
                            "coordinates": {
                                "type": "array",
                                "items": {"type": "number"},
                                "minItems": 2,
                                "maxItems": 3,
                            },
                        },
                    },
                    "properties": {
                        "type": "object",
                        "required": ["timestamp"],
                        "properties": {"timestamp": _MS},
                    },
                },
            },
        },
    },
}


def _record(title: str, required: list[str], properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "title": title, "required": required, "properties": properties}


METRO_JOURNEY = _record(
    "MetroJourney",
    [
        "external_trip_id",
        "external_account",
        "entry_station",
        "exit_station",
        "entry_time",
        "exit_time",
    ],
    {
        "external_trip_id": _ID,
        "external_account": _ID,
        "entry_station": _ID,
        "exit_station": _ID,
        "entry_time": _TIME,
        "exit_time": _TIME,
    },
)
MDS_TRIP_1_2 = _record(
    "MdsTrip12",
    ["trip_id", "external_account", "start_time", "end_time"],
    {
        "trip_id": _ID,
        "external_account": _ID,
        "device_id": {"type": "string", "maxLength": 128},
        "start_time": _MS,
        "end_time": _MS,
        "trip_duration": _AMOUNT,
        "trip_distance": _AMOUNT,
        "route": _ROUTE,
    },
)
MDS_TRIP_2_0 = _record(
    "MdsTrip20",
    ["trip_id", "external_account", "start_time", "end_time"],
    {
        "trip_id": _ID,
        "external_account": _ID,
        "device_id": {"type": "string", "maxLength": 128},
        "start_time": _MS,
        "end_time": _MS,
        "duration": _AMOUNT,
        "distance": _AMOUNT,
        "start_location": _LOCATION,
        "end_location": _LOCATION,
    },
)
BUS_BOARDING = _record(
    "BusBoarding",
    ["external_trip_id", "external_account", "route_id", "board_stop", "board_time"],
    {
        "external_trip_id": _ID,
        "external_account": _ID,
        "route_id": _ID,
        "board_stop": _ID,
        "board_time": _TIME,
        "alight_stop": _ID,
        "alight_time": _TIME,
    },
)
METRO_TAP = _record(
    "MetroTap",
    ["external_account", "tap", "station", "time"],
    {
        "external_account": _ID,
        "tap": {"enum": ["in", "out"]},
        "station": _ID,
        "time": _TIME,
        "device": {"type": "string", "maxLength": 128},
    },
)

TRIP_BATCH: dict[str, Any] = {
    "type": "object",
    "title": "TripBatch",
    "description": (
        'One envelope: {"trips": [...]} in the operator kind\'s format (metro journeys, MDS 1.2 '
        'or 2.0 trips, bus boardings) or, for metro, {"taps": [...]} (raw taps). A record that '
        "cannot be read is that record's rejected/invalid_record; the batch goes on."
    ),
    "minProperties": 1,
    "maxProperties": 1,
    "properties": {
        "trips": {
            "type": "array",
            "maxItems": MAX_RECORDS,
            "items": {"anyOf": [METRO_JOURNEY, MDS_TRIP_1_2, MDS_TRIP_2_0, BUS_BOARDING]},
        },
        "taps": {"type": "array", "maxItems": MAX_RECORDS, "items": METRO_TAP},
    },
    "additionalProperties": False,
}
