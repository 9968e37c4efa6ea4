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

import re
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from integrations.hourly_fake import Answer, HourlyProvider, cursor, error, hour_key

PATH = "/trips"


class FakeMdsProvider(HourlyProvider):
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
        self.version = version
        self._trips: dict[str, list[dict[str, Any]]] = {}
        super().__init__(token=token, page_size=page_size, host=host, port=port, name="fake-mds")

    @property
    def content_type(self) -> str:  # type: ignore[override]
        return f"application/vnd.mds+json;version={self.version}"

    def add_trips(self, hour: datetime, trips: list[dict[str, Any]]) -> None:
        """Trips that ended in `hour` (appended to those already there)."""
        with self._lock:
            self._trips.setdefault(hour_key(hour), []).extend(trips)

    def refuse(self, path: str, headers: dict[str, str]) -> Answer | None:
        if path != PATH:
            return 404, error("not_found", f"no such path {path}")
        asked = re.search(r"version=([0-9.]+)", headers.get("accept", ""))
        if asked and self.version.split(".")[:2] != asked.group(1).split(".")[:2]:
            return 406, error("unsupported_version", f"this provider speaks {self.version}")
        return None

    def page(self, path: str, hour: str, offset: int) -> Answer:
        trips = self._trips.get(hour, [])
        end = offset + self.page_size
        next_url = None
        if end < len(trips):
            query = urlencode({"end_time": hour, "cursor": cursor(path, hour, end)})
            next_url = f"{self.base_url}{PATH}?{query}"
        return 200, self._body(trips[offset:end], next_url)

    def _body(self, trips: list[dict[str, Any]], next_url: str | None) -> dict[str, Any]:
        version = f"{self.version}.0" if self.version.count(".") == 1 else self.version
        if self.version.startswith("1."):
            return {"version": version, "data": {"trips": trips}, "links": {"next": next_url}}
        return {"version": version, "trips": trips, "links": {"next": next_url}}
