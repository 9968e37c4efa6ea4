"""Stations' districts, read from an optional `district` column of stops.txt (a column GTFS
consumers ignore): a district code of domain/districts.py or its Chinese name (玄武区).
A platform without one takes its parent station's. Trips are cut by district through the
district of their origin station."""

from __future__ import annotations

from domain import districts
from domain.network.graph import NetworkError, _rows

_BY_NAME = {d.name_zh: d.code for d in districts.ALL} | {
    d.name_en.lower(): d.code for d in districts.ALL
}
MAX_STATION = 128  # station_districts.station


def _code(value: str, line: int) -> str:
    code = value if value in districts.BY_CODE else _BY_NAME.get(value, _BY_NAME.get(value.lower()))
    if code is None:
        raise NetworkError(
            f"stops.txt line {line}: district {value!r} is not one of {', '.join(districts.CODES)}",
            code="invalid_district",
            field="stops_txt",
        )
    return code


def stop_districts(stops_txt: str) -> dict[str, str]:
    """stop_id -> district code for every stop given one (platforms inherit their parent's);
    empty when stops.txt has no `district` column."""
    found: dict[str, str] = {}
    parents: dict[str, str] = {}
    for line, row in _rows(stops_txt, "stops.txt", ("stop_id",)):
        value = row.get("district", "")
        if len(row["stop_id"]) > MAX_STATION:
            continue  # longer than any trip's origin: it could never match one
        if value:
            found[row["stop_id"]] = _code(value, line)
        elif row.get("parent_station"):
            parents[row["stop_id"]] = row["parent_station"]
    for stop, parent in parents.items():
        if parent in found:
            found[stop] = found[parent]
    return found
