"""A local fake of an operator's MDS provider `/trips` endpoint, for tests and local demos.

It runs a real HTTP server on 127.0.0.1 (OS-chosen port unless given) in a background thread and
answers in the MDS shape of its version (2.0: `trips` at the top; 1.2: under `data`):

    with FakeMdsProvider(token="t0k", page_size=2) as fake:
        fake.add_trips(hour, [trip1, trip2, trip3])     # answered over two pages
        fake.mark_not_ready(next_hour)                  # 404: not processed yet
        fake.fail_next(503, times=2)                    # next 2 requests: 503
        client = MdsPullClient(base_url=fake.base_url, token="t0k")
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
from urllib.parse import parse_qsl, urlencode, urlsplit

from integrations.local_server import LocalServer

PATH = "/trips"
_HOUR = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}")


def hour_key(hour: datetime) -> str:
    """The `end_time` value MDS uses for an hour: YYYY-MM-DDTHH in UTC."""
    return hour.astimezone(UTC).strftime("%Y-%m-%dT%H")


class FakeMdsProvider(LocalServer):
    """An MDS provider with trips per hour, hours not yet processed, and scriptable failures."""

    def __init__(
        self,
        *,
        token: str,
        version: str = "2.0",
        page_size: int = 100,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        if page_size < 1:
            raise ValueError("page_size must be >= 1")
        self.token = token
        self.version = version
        self.page_size = page_size
        self.requests: list[tuple[str, dict[str, str], dict[str, str]]] = []  # path, query, headers
        self._trips: dict[str, list[dict[str, Any]]] = {}
        self._not_ready: set[str] = set()
        self._failures: deque[int] = deque()
        self._lock = threading.Lock()
        super().__init__(_handler_for(self), host=host, port=port, name="fake-mds")

    # -- scripting ------------------------------------------------------------------------------

    def add_trips(self, hour: datetime, trips: list[dict[str, Any]]) -> None:
        """Trips that ended in `hour` (appended to those already there)."""
        with self._lock:
            self._trips.setdefault(hour_key(hour), []).extend(trips)

    def mark_not_ready(self, hour: datetime) -> None:
        """Answer 404 for `hour`, as a provider that has not processed it yet."""
        with self._lock:
            self._not_ready.add(hour_key(hour))

    def mark_ready(self, hour: datetime) -> None:
        """The provider has now processed `hour`."""
        with self._lock:
            self._not_ready.discard(hour_key(hour))

    def fail_next(self, status: int, times: int = 1) -> None:
        """Answer the next `times` requests with `status`, whatever they ask."""
        with self._lock:
            self._failures.extend([status] * times)

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
            if path != PATH:
                return 404, _error("not_found", f"no such path {path}")
            asked = re.search(r"version=([0-9.]+)", headers.get("accept", ""))
            if asked and self.version.split(".")[:2] != asked.group(1).split(".")[:2]:
                return 406, _error("unsupported_version", f"this provider speaks {self.version}")
            hour = query.get("end_time", "")
            if not _HOUR.fullmatch(hour) or not _is_hour(hour):
                return 400, _error("bad_param", "end_time must be YYYY-MM-DDTHH")
            if hour in self._not_ready:
                return 404, _error("not_ready", f"hour {hour} is not processed yet")
            offset = _offset(query.get("cursor"), hour)
            if offset is None:
                return 400, _error("bad_param", "invalid cursor")
            trips = self._trips.get(hour, [])
            page = trips[offset : offset + self.page_size]
            more = offset + self.page_size < len(trips)
        next_url = self._next_url(hour, offset + self.page_size) if more else None
        return 200, self._body(page, next_url)

    def _next_url(self, hour: str, offset: int) -> str:
        cursor = base64.urlsafe_b64encode(json.dumps([hour, offset]).encode()).decode()
        return f"{self.base_url}{PATH}?{urlencode({'end_time': hour, 'cursor': cursor})}"

    def _body(self, trips: list[dict[str, Any]], next_url: str | None) -> dict[str, Any]:
        version = f"{self.version}.0" if self.version.count(".") == 1 else self.version
        if self.version.startswith("1."):
            return {"version": version, "data": {"trips": trips}, "links": {"next": next_url}}
        return {"version": version, "trips": trips, "links": {"next": next_url}}


def _is_hour(value: str) -> bool:
    try:
        datetime.strptime(value, "%Y-%m-%dT%H")
    except ValueError:
        return False
    return True


def _offset(cursor: str | None, hour: str) -> int | None:
    if cursor is None:
        return 0
    try:
        at, offset = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError):
        return None
    return offset if at == hour and isinstance(offset, int) and offset >= 0 else None


def _error(error: str, description: str) -> dict[str, str]:
    return {"error": error, "error_description": description}


def _handler_for(fake: FakeMdsProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = dict(parse_qsl(url.query, keep_blank_values=True))
            headers = {name.lower(): value for name, value in self.headers.items()}
            status, body = fake.answer(url.path, query, headers)
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", f"application/vnd.mds+json;version={fake.version}")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output quiet

    return Handler
