"""What every fake hourly provider shares (the MDS provider, the paged export): a real HTTP server
on 127.0.0.1, a bearer token, records per hour served a page at a time behind an opaque cursor,
hours not ready yet (404), scripted failures, and a log of the requests it was sent.

A subclass says which paths it serves (`refuse`) and how a page looks (`page`).
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
Answer = tuple[int, Any]


def hour_key(hour: datetime) -> str:
    """The `end_time` value of an hour: YYYY-MM-DDTHH in UTC."""
    return hour.astimezone(UTC).strftime("%Y-%m-%dT%H")


def error(code: str, description: str) -> dict[str, str]:
    return {"error": code, "error_description": description}


def cursor(path: str, hour: str, offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps([path, hour, offset]).encode()).decode()


class HourlyProvider(LocalServer):
    """Records per hour behind a bearer token; pages, hours not ready, scripted failures."""

    def __init__(self, *, token: str, page_size: int, host: str, port: int, name: str) -> None:
        if page_size < 1:
            raise ValueError("page_size must be >= 1")
        self.token = token
        self.page_size = page_size
        self.requests: list[tuple[str, dict[str, str], dict[str, str]]] = []  # path, query, headers
        self._not_ready: set[str] = set()
        self._failures: deque[int] = deque()
        self._lock = threading.Lock()
        super().__init__(_handler_for(self), host=host, port=port, name=name)

    # -- scripting ------------------------------------------------------------------------------

    def mark_not_ready(self, hour: datetime) -> None:
        """Answer 404 for `hour`, as a provider that has not got it ready yet."""
        with self._lock:
            self._not_ready.add(hour_key(hour))

    def mark_ready(self, hour: datetime) -> None:
        with self._lock:
            self._not_ready.discard(hour_key(hour))

    def fail_next(self, status: int, times: int = 1) -> None:
        """Answer the next `times` requests with `status`, whatever they ask."""
        with self._lock:
            self._failures.extend([status] * times)

    # -- protocol -------------------------------------------------------------------------------

    content_type = "application/json"

    def refuse(self, path: str, headers: dict[str, str]) -> Answer | None:
        """An answer for a request this provider does not serve (wrong path, version ...)."""
        raise NotImplementedError

    def page(self, path: str, hour: str, offset: int) -> Answer:
        """The page of `hour`'s records at `offset` (called under the lock)."""
        raise NotImplementedError

    def answer(self, path: str, query: dict[str, str], headers: dict[str, str]) -> Answer:
        """(status, JSON body) for one request (also records it)."""
        with self._lock:
            self.requests.append((path, query, headers))
            if self._failures:
                status = self._failures.popleft()
                return status, error("scripted_failure", f"scripted HTTP {status}")
            if headers.get("authorization") != f"Bearer {self.token}":
                return 401, error("unauthorized", "missing or invalid bearer token")
            refusal = self.refuse(path, headers)
            if refusal is not None:
                return refusal
            hour = query.get("end_time", "")
            if not _HOUR.fullmatch(hour) or not _is_hour(hour):
                return 400, error("bad_param", "end_time must be YYYY-MM-DDTHH")
            if hour in self._not_ready:
                return 404, error("not_ready", f"hour {hour} is not ready yet")
            offset = _offset(query.get("cursor"), path, hour)
            if offset is None:
                return 400, error("bad_param", "invalid cursor")
            return self.page(path, hour, offset)


def _is_hour(value: str) -> bool:
    try:
        datetime.strptime(value, "%Y-%m-%dT%H")
    except ValueError:
        return False
    return True


def _offset(given: str | None, path: str, hour: str) -> int | None:
    if given is None:
        return 0
    try:
        at_path, at, offset = json.loads(base64.urlsafe_b64decode(given.encode()))
    except (ValueError, TypeError):
        return None
    if at_path != path or at != hour or not isinstance(offset, int) or offset < 0:
        return None
    return offset


def _handler_for(fake: HourlyProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = dict(parse_qsl(url.query, keep_blank_values=True))
            headers = {name.lower(): value for name, value in self.headers.items()}
            status, body = fake.answer(url.path, query, headers)
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", fake.content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output quiet

    return Handler
