"""An operator's station network and metro trip distances (METHODOLOGY.md, "Distance").

Edges join consecutive stations of a line, weighted by great-circle distance; a transfer at a
shared station costs nothing. A trip's distance is the floor of the shortest path, in metres.
Also: reading the network from GTFS text (stops + route_stops, or stops + trips + stop_times).
"""

from __future__ import annotations

import csv
import heapq
import io
import math
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import pairwise
from types import MappingProxyType
from typing import Any

import msgspec

from domain.errors import InvalidInput

EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius (IUGG)


class Stop(msgspec.Struct, frozen=True):
    code: str
    name: str
    lat: float
    lon: float


class UnknownStation(InvalidInput):
    """The station is not in the operator's network."""

    code = "unknown_station"

    def __init__(self, station: str) -> None:
        super().__init__(f"unknown station: {station!r}", station=station)
        self.station = station


class NetworkError(InvalidInput):
    """The station network (or the GTFS it was read from) is not usable."""

    code = "invalid_network"


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres on a sphere of the mean Earth radius."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlam = math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlam / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def _check_position(stop: Stop, where: str) -> None:
    if not (math.isfinite(stop.lat) and -90 <= stop.lat <= 90):
        raise NetworkError(f"{where}: stop {stop.code!r} has latitude {stop.lat!r}")
    if not (math.isfinite(stop.lon) and -180 <= stop.lon <= 180):
        raise NetworkError(f"{where}: stop {stop.code!r} has longitude {stop.lon!r}")


class _Document(msgspec.Struct, forbid_unknown_fields=True):
    stops: list[Stop]
    lines: dict[str, list[str]]


class Network:
    """Stations and lines; `distance_m` answers from bounded caches after the first query."""

    PAIR_CACHE_SIZE = 65_536  # (a, b) -> metres
    SOURCE_CACHE_SIZE = 512  # source station -> distances to every station

    def __init__(self, stops: Iterable[Stop], lines: Mapping[str, Sequence[str]]) -> None:
        self._stops: dict[str, Stop] = {}
        for stop in stops:
            if not isinstance(stop, Stop) or not isinstance(stop.code, str) or not stop.code:
                raise NetworkError(f"not a stop with a code: {stop!r}")
            if stop.code in self._stops:
                raise NetworkError(f"stop {stop.code!r} is listed twice")
            _check_position(stop, "stops")
            self._stops[stop.code] = stop
        self._index = {code: i for i, code in enumerate(self._stops)}
        positions = [(s.lat, s.lon) for s in self._stops.values()]
        neighbours: list[dict[int, float]] = [{} for _ in positions]
        self._lines: dict[str, tuple[str, ...]] = {}
        for line_id, codes in lines.items():
            if isinstance(codes, str) or not codes:
                raise NetworkError(f"line {line_id!r} needs a non-empty list of stop codes")
            for code in codes:
                if code not in self._index:
                    raise NetworkError(f"line {line_id!r} lists unknown stop {code!r}")
            self._lines[str(line_id)] = tuple(codes)
            for a, b in pairwise(codes):
                i, j = self._index[a], self._index[b]
                if i == j:
                    continue
                weight = haversine_m(*positions[i], *positions[j])
                if weight < neighbours[i].get(j, math.inf):
                    neighbours[i][j] = neighbours[j][i] = weight
        self._adjacency = tuple(tuple(n.items()) for n in neighbours)
        self._pairs: dict[tuple[str, str], int] = {}
        self._sources: OrderedDict[int, list[float]] = OrderedDict()

    # accessors -------------------------------------------------------------------------------

    @property
    def stops_count(self) -> int:
        return len(self._stops)

    @property
    def stops(self) -> tuple[Stop, ...]:
        return tuple(self._stops.values())

    @property
    def lines(self) -> Mapping[str, tuple[str, ...]]:
        return MappingProxyType(self._lines)

    def __contains__(self, code: object) -> bool:
        return code in self._stops

    def stop(self, code: str) -> Stop:
        try:
            return self._stops[code]
        except (KeyError, TypeError):
            raise UnknownStation(code) from None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Network):
            return NotImplemented
        return self._stops == other._stops and self._lines == other._lines

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Network(stops={self.stops_count}, lines={list(self._lines)})"

    # distances -------------------------------------------------------------------------------

    def distance_m(self, a: str, b: str) -> int:
        """Floor of the shortest network path between stations a and b, in metres."""
        cached = self._pairs.get((a, b))
        if cached is not None:
            return cached
        i, j = self._station_index(a), self._station_index(b)
        if i == j:
            return 0
        source, target = (i, j) if i < j else (j, i)  # one direction for both: symmetric result
        length = self._distances_from(source)[target]
        if length == math.inf:
            raise NetworkError(f"no path between stations {a!r} and {b!r}")
        metres = math.floor(length)
        if len(self._pairs) >= self.PAIR_CACHE_SIZE:
            del self._pairs[next(iter(self._pairs))]
        self._pairs[(a, b)] = metres
        return metres

    def _station_index(self, code: str) -> int:
        try:
            return self._index[code]
        except (KeyError, TypeError):
            raise UnknownStation(code) from None

    def _distances_from(self, source: int) -> list[float]:
        found = self._sources.get(source)
        if found is not None:
            self._sources.move_to_end(source)
            return found
        dist = [math.inf] * len(self._adjacency)
        dist[source] = 0.0
        heap = [(0.0, source)]
        while heap:
            d, node = heapq.heappop(heap)
            if d > dist[node]:
                continue
            for neighbour, weight in self._adjacency[node]:
                nd = d + weight
                if nd < dist[neighbour]:
                    dist[neighbour] = nd
                    heapq.heappush(heap, (nd, neighbour))
        if len(self._sources) >= self.SOURCE_CACHE_SIZE:
            self._sources.popitem(last=False)
        self._sources[source] = dist
        return dist

    # storage ---------------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """Plain builtins for a JSON column."""
        return msgspec.to_builtins(
            _Document(
                stops=list(self._stops.values()),
                lines={k: list(v) for k, v in self._lines.items()},
            )
        )

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Network:
        try:
            doc = msgspec.convert(data, _Document)
        except msgspec.ValidationError as exc:
            raise NetworkError(f"stored network: {exc}") from None
        return cls(doc.stops, doc.lines)


# GTFS ----------------------------------------------------------------------------------------


def _rows(text: str, name: str, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for each non-blank data row; values and column names stripped."""
    if not isinstance(text, str):
        raise NetworkError(f"{name}: expected text, got {type(text).__name__}")
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        header = [column.strip() for column in next(reader, [])]
        missing = [column for column in required if column not in header]
        if missing:
            raise NetworkError(f"{name} line 1: missing column(s) {', '.join(missing)}")
        where = {column: header.index(column) for column in header}
        needed = max(where[column] for column in required)
        for row in reader:
            if not any(field.strip() for field in row):
                continue
            line = reader.line_num
            if len(row) <= needed:
                raise NetworkError(
                    f"{name} line {line}: {len(row)} field(s), expected {len(header)}"
                )
            values = {column: row[i].strip() for column, i in where.items() if i < len(row)}
            for column in required:
                if not values[column]:
                    raise NetworkError(f"{name} line {line}: empty {column}")
            yield line, values
    except csv.Error as exc:
        raise NetworkError(f"{name} line {reader.line_num}: {exc}") from None


def _number(value: str, name: str, line: int, column: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise NetworkError(f"{name} line {line}: {column} is not a number: {value!r}") from None
    if not math.isfinite(number):
        raise NetworkError(f"{name} line {line}: {column} is not finite: {value!r}")
    return number


def _sequence(value: str, name: str, line: int) -> int:
    try:
        return int(value)
    except ValueError:
        raise NetworkError(
            f"{name} line {line}: stop_sequence is not an integer: {value!r}"
        ) from None


def _parse_stops(text: str) -> tuple[dict[str, Stop], dict[str, str]]:
    """Stations, plus platform id -> parent station id (GTFS `parent_station`). Entrances,
    generic nodes and boarding areas (location_type 2, 3, 4) are ignored."""
    name = "stops.txt"
    stops: dict[str, Stop] = {}
    parents: dict[str, tuple[str, int]] = {}
    seen: set[str] = set()
    for line, row in _rows(text, name, ("stop_id", "stop_name", "stop_lat", "stop_lon")):
        code = row["stop_id"]
        if code in seen:
            raise NetworkError(f"{name} line {line}: stop_id {code!r} is listed twice")
        seen.add(code)
        location_type = row.get("location_type", "")
        parent = row.get("parent_station", "")
        if location_type in ("2", "3", "4"):
            continue
        if parent and location_type in ("", "0"):
            parents[code] = (parent, line)
            continue
        stop = Stop(
            code,
            row["stop_name"],
            _number(row["stop_lat"], name, line, "stop_lat"),
            _number(row["stop_lon"], name, line, "stop_lon"),
        )
        _check_position(stop, f"{name} line {line}")
        stops[code] = stop
    for code, (parent, line) in parents.items():
        if parent not in stops:
            raise NetworkError(f"{name} line {line}: parent_station {parent!r} of {code!r} unknown")
    return stops, {code: parent for code, (parent, _) in parents.items()}


def _station(code: str, stops: Mapping[str, Stop], parents: Mapping[str, str], where: str) -> str:
    code = parents.get(code, code)
    if code not in stops:
        raise NetworkError(f"{where}: stop_id {code!r} is not in stops.txt")
    return code


def _ordered(items: list[tuple[int, str, int]], name: str) -> list[str]:
    """Stop codes by stop_sequence (numeric), repeated consecutive stations collapsed."""
    items = sorted(items)
    for (seq, _, line_a), (seq_b, _, line_b) in pairwise(items):
        if seq == seq_b:
            raise NetworkError(f"{name} lines {line_a} and {line_b}: stop_sequence {seq} twice")
    codes: list[str] = []
    for _, code, _ in items:
        if not codes or codes[-1] != code:
            codes.append(code)
    return codes


def from_gtfs(stops_txt: str, route_stops_txt: str) -> Network:
    """A network from GTFS stops.txt and a route_stops.txt (route_id, stop_sequence, stop_id)."""
    stops, parents = _parse_stops(stops_txt)
    name = "route_stops.txt"
    routes: dict[str, list[tuple[int, str, int]]] = {}
    for line, row in _rows(route_stops_txt, name, ("route_id", "stop_sequence", "stop_id")):
        code = _station(row["stop_id"], stops, parents, f"{name} line {line}")
        routes.setdefault(row["route_id"], []).append(
            (_sequence(row["stop_sequence"], name, line), code, line)
        )
    return Network(
        stops.values(), {route: _ordered(items, name) for route, items in routes.items()}
    )


def from_gtfs_trips(stops_txt: str, trips_txt: str, stop_times_txt: str) -> Network:
    """A network from standard GTFS: each route's stations are those of its trip with the most
    stops (ties: the smallest trip_id)."""
    stops, parents = _parse_stops(stops_txt)
    route_of: dict[str, str] = {}
    for line, row in _rows(trips_txt, "trips.txt", ("route_id", "trip_id")):
        if row["trip_id"] in route_of:
            raise NetworkError(f"trips.txt line {line}: trip_id {row['trip_id']!r} listed twice")
        route_of[row["trip_id"]] = row["route_id"]
    name = "stop_times.txt"
    per_trip: dict[str, list[tuple[int, str, int]]] = {}
    for line, row in _rows(stop_times_txt, name, ("trip_id", "stop_sequence", "stop_id")):
        trip = row["trip_id"]
        if trip not in route_of:
            raise NetworkError(f"{name} line {line}: trip_id {trip!r} is not in trips.txt")
        code = _station(row["stop_id"], stops, parents, f"{name} line {line}")
        per_trip.setdefault(trip, []).append(
            (_sequence(row["stop_sequence"], name, line), code, line)
        )
    best: dict[str, tuple[str, list[tuple[int, str, int]]]] = {}
    for trip, items in per_trip.items():
        route = route_of[trip]
        current = best.get(route)
        if current is None or (-len(items), trip) < (-len(current[1]), current[0]):
            best[route] = (trip, items)
    lines = {
        route: _ordered(best[route][1], name)
        for route in dict.fromkeys(route_of.values())
        if route in best
    }
    return Network(stops.values(), lines)
