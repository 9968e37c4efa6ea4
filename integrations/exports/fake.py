"""A local fake of an operator's paged JSON export, for tests and local demos.

It runs a real HTTP server on 127.0.0.1 (OS-chosen port unless given) in a background thread and
serves any records path (`/trips`, `/taps`, ...) in the export protocol (integrations/exports/pull):

    with FakeExportProvider(token="t0k", page_size=2) as fake:
        fake.add("taps", hour, [tap1, tap2, tap3])     # answered over two pages
        fake.mark_not_ready(next_hour)                 # 404: not ready yet (every records path)
        fake.fail_next(503, times=2)                   # next 2 requests: 503
        client = ExportPullClient(base_url=fake.base_url, token="t0k", records="taps")

Per format, `FakeMetroJourneys`, `FakeMetroTaps` and `FakeBusBoardings` serve one records path.
"""

from __future__ import annotations

import base64
import json
import re
import threading
from collections import deque
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from integrations.local_server import LocalServer

_HOUR = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}")
_PATH = re.compile(r"/([a-z][a-z0-9_-]{0,31})")


def hour_key(hour: datetime) -> str:
    """The `end_time` value of an hour: YYYY-MM-DDTHH in UTC."""
    return hour.astimezone(UTC).strftime("%Y-%m-%dT%H")


class FakeExportProvider(LocalServer):
    """An operator's export: records per (path, hour), hours not ready, scriptable failures."""

    def __init__(
        self,
        *,
        token: str,
        page_size: int = 100,
        host: str = "127.0.0.1",
        port: int = 0,
        name: str = "fake-export",
    ) -> None:
        if page_size < 1:
            raise ValueError("page_size must be >= 1")
        self.token = token
        self.page_size = page_size
        self.requests: list[tuple[str, dict[str, str], dict[str, str]]] = []  # path, query, headers
        self._records: dict[tuple[str, str], list[Any]] = {}
        self._not_ready: set[str] = set()
        self._failures: deque[int] = deque()
        self._looping = False
        self._lock = threading.Lock()
        super().__init__(_handler_for(self), host=host, port=port, name=name)

    # -- scripting ------------------------------------------------------------------------------

    def add(self, records: str, hour: datetime, items: list[Any]) -> None:
        """Records of `hour` served under `/{records}` (appended to those already there)."""
        if not _PATH.fullmatch(f"/{records}"):
            raise ValueError(f"not a records path: {records!r}")
        with self._lock:
            self._records.setdefault((records, hour_key(hour)), []).extend(items)

    def mark_not_ready(self, hour: datetime) -> None:
        """Answer 404 for `hour`, as an export that has not got it ready yet."""
        with self._lock:
            self._not_ready.add(hour_key(hour))

    def mark_ready(self, hour: datetime) -> None:
        with self._lock:
            self._not_ready.discard(hour_key(hour))

    def fail_next(self, status: int, times: int = 1) -> None:
        """Answer the next `times` requests with `status`, whatever they ask."""
        with self._lock:
            self._failures.extend([status] * times)

    def loop_cursors(self, looping: bool = True) -> None:
        """A broken export: every page names the same next cursor, for ever."""
        with self._lock:
            self._looping = looping

    def asked(self, records: str, hour: datetime) -> int:
        """How many requests asked for `hour` under `/{records}`."""
        key = hour_key(hour)
        with self._lock:
            return sum(
                1 for p, q, _ in self.requests if p == f"/{records}" and q.get("end_time") == key
            )

    # -- protocol -------------------------------------------------------------------------------

    def answer(self, path: str, query: dict[str, str], headers: dict[str, str]) -> tuple[int, Any]:
        """(status, JSON body) for one request (also records it)."""
        with self._lock:
            self.requests.append((path, query, headers))
            if self._failures:
                status = self._failures.popleft()
                return status, _error("scripted_failure", f"scripted HTTP {status}")
            if headers.get("authorization") != f"Bearer {self.token}":
                return 401, _error("unauthorized", "missing or invalid bearer token")
            match = _PATH.fullmatch(path)
            if match is None:
                return 404, _error("not_found", f"no such path {path}")
            records = match.group(1)
            hour = query.get("end_time", "")
            if not _HOUR.fullmatch(hour) or not _is_hour(hour):
                return 400, _error("bad_param", "end_time must be YYYY-MM-DDTHH")
            if hour in self._not_ready:
                return 404, _error("not_ready", f"hour {hour} is not ready yet")
            offset = _offset(query.get("cursor"), records, hour)
            if offset is None:
                return 400, _error("bad_param", "invalid cursor")
            items = self._records.get((records, hour), [])
            page = items[offset : offset + self.page_size]
            more = offset + self.page_size < len(items)
            if self._looping:
                return 200, {records: page, "next_cursor": _cursor(records, hour, 0)}
        next_cursor = _cursor(records, hour, offset + self.page_size) if more else None
        return 200, {records: page, "next_cursor": next_cursor}


class FakeMetroJourneys(FakeExportProvider):
    """A metro operator's `metro-journeys` export (`/trips`, journey records)."""

    records = "trips"

    def add_journeys(self, hour: datetime, journeys: list[dict[str, Any]]) -> None:
        self.add(self.records, hour, journeys)


class FakeMetroTaps(FakeExportProvider):
    """A metro operator's `metro-taps` export (`/taps`, raw tap records)."""

    records = "taps"

    def add_taps(self, hour: datetime, taps: list[dict[str, Any]]) -> None:
        self.add(self.records, hour, taps)


class FakeBusBoardings(FakeExportProvider):
    """A bus operator's `bus-boardings` export (`/trips`, boarding records)."""

    records = "trips"

    def add_boardings(self, hour: datetime, boardings: list[dict[str, Any]]) -> None:
        self.add(self.records, hour, boardings)


def journey(
    trip_id: str, account: str, entry: str, exit_: str, entered: datetime, exited: datetime
) -> dict[str, Any]:
    """A `metro-journeys` record (integrations/metro/journeys.py)."""
    return {
        "external_trip_id": trip_id,
        "external_account": account,
        "entry_station": entry,
        "exit_station": exit_,
        "entry_time": entered.isoformat(),
        "exit_time": exited.isoformat(),
    }


def tap(account: str, direction: str, station: str, at: datetime) -> dict[str, Any]:
    """A `metro-taps` record (integrations/metro/taps.py); `direction` is "in" or "out"."""
    return {
        "external_account": account,
        "tap": direction,
        "station": station,
        "time": at.isoformat(),
    }


def boarding(
    trip_id: str,
    account: str,
    route: str,
    board_stop: str,
    boarded: datetime,
    alight_stop: str | None = None,
    alighted: datetime | None = None,
) -> dict[str, Any]:
    """A `bus-boardings` record (integrations/bus/boardings.py)."""
    record: dict[str, Any] = {
        "external_trip_id": trip_id,
        "external_account": account,
        "route_id": route,
        "board_stop": board_stop,
        "board_time": boarded.isoformat(),
    }
    if alight_stop is not None:
        record["alight_stop"] = alight_stop
    if alighted is not None:
        record["alight_time"] = alighted.isoformat()
    return record


def _cursor(records: str, hour: str, offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps([records, hour, offset]).encode()).decode()


def _is_hour(value: str) -> bool:
    try:
        datetime.strptime(value, "%Y-%m-%dT%H")
    except ValueError:
        return False
    return True


def _offset(cursor: str | None, records: str, hour: str) -> int | None:
    if cursor is None:
        return 0
    try:
        path, at, offset = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError):
        return None
    if path != records or at != hour or not isinstance(offset, int) or offset < 0:
        return None
    return offset


def _error(error: str, description: str) -> dict[str, str]:
    return {"error": error, "error_description": description}


def _handler_for(fake: FakeExportProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = dict(parse_qsl(url.query, keep_blank_values=True))
            headers = {name.lower(): value for name, value in self.headers.items()}
            status, body = fake.answer(url.path, query, headers)
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output quiet

    return Handler
