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

import re
from datetime import datetime
from typing import Any

from integrations.hourly_fake import Answer, HourlyProvider, cursor, error, hour_key

_PATH = re.compile(r"/([a-z][a-z0-9_-]{0,31})")


class FakeExportProvider(HourlyProvider):
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
        self._records: dict[tuple[str, str], list[Any]] = {}
        self._looping = False
        super().__init__(token=token, page_size=page_size, host=host, port=port, name=name)

    def add(self, records: str, hour: datetime, items: list[Any]) -> None:
        """Records of `hour` served under `/{records}` (appended to those already there)."""
        if not _PATH.fullmatch(f"/{records}"):
            raise ValueError(f"not a records path: {records!r}")
        with self._lock:
            self._records.setdefault((records, hour_key(hour)), []).extend(items)

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

    def refuse(self, path: str, headers: dict[str, str]) -> Answer | None:
        if _PATH.fullmatch(path) is None:
            return 404, error("not_found", f"no such path {path}")
        return None

    def page(self, path: str, hour: str, offset: int) -> Answer:
        records = path[1:]
        items = self._records.get((records, hour), [])
        end = offset + self.page_size
        if self._looping:
            return 200, {records: items[offset:end], "next_cursor": cursor(path, hour, 0)}
        next_cursor = cursor(path, hour, end) if end < len(items) else None
        return 200, {records: items[offset:end], "next_cursor": next_cursor}


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
