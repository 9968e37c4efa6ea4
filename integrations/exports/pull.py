"""Pull mode for every non-MDS format: an operator's paged JSON export, an hour at a time.

    async with ExportPullClient(base_url="https://feeds.example.com", token=t, records="taps") as c:
        taps = await c.records_for_hour(hour)      # list of raw records (dicts)

GET {base_url}/{records}?end_time=YYYY-MM-DDTHH (the hour in UTC, then `&cursor=...` for the
next pages), `Authorization: Bearer <token>`; a page is
`{"<records>": [...], "next_cursor": "..." | null}`. 404: the hour is not ready yet
(HourNotReady); 401/403: the token is refused; 5xx, network errors and unreadable answers are
retried with backoff, then reported as a PullFailed.

The token travels only in the Authorization header: it is never logged and never part of an error.
Pages are bounded (MAX_PAGES, MAX_PAGE_RECORDS) and a cursor seen twice ends the pull as an error.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any, Final

import httpx
import msgspec

from domain.errors import UpstreamUnavailable
from domain.trips.sources import HourNotReady, PullFailed
from integrations.retries import Transient, with_retries

MAX_PAGES: Final = 10_000
MAX_PAGE_RECORDS: Final = 100_000
MAX_CURSOR: Final = 2048
_RECORDS: Final = re.compile(r"[a-z][a-z0-9_-]{0,31}")


class ExportError(PullFailed):
    """The operator's export refused the request, or answered outside the protocol."""

    code = "export_error"


class ExportAuthError(ExportError):
    """The export rejected our token (401/403)."""

    code = "export_unauthorized"


class ExportHourNotReady(HourNotReady):
    """The export has not got that hour ready yet (404): ask again at the next run."""

    code = "export_hour_not_ready"


class ExportUnavailable(ExportError, UpstreamUnavailable):
    """The export is unreachable or answers errors or garbage, after every retry."""

    code = "export_unavailable"


class ExportPullClient:
    """Reads one hour of one kind of records at a time from an operator's paged JSON export."""

    def __init__(
        self,
        *,
        base_url: str,
        token: str,
        records: str,
        timeout: float = 10.0,
        retries: int = 2,
        backoff: float = 0.5,
        max_pages: int = MAX_PAGES,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if retries < 0:
            raise ValueError("retries must be >= 0")
        if max_pages < 1:
            raise ValueError("max_pages must be >= 1")
        if not _RECORDS.fullmatch(records):
            raise ValueError(f"records must be a plain path segment, not {records!r}")
        self._records = records
        self._retries = retries
        self._backoff = backoff
        self._max_pages = max_pages
        self._decoder = msgspec.json.Decoder(_page_type(records))
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/") + "/",
            timeout=httpx.Timeout(timeout),
            transport=transport,
            follow_redirects=False,  # a redirect could carry the token to another origin
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
        )

    def __repr__(self) -> str:
        return f"ExportPullClient(base_url={str(self._http.base_url)!r}, records={self._records!r})"

    async def __aenter__(self) -> ExportPullClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def records_for_hour(self, hour: datetime) -> list[Any]:
        """Every record of `hour` (an aware datetime; minutes and below are ignored)."""
        if hour.tzinfo is None or hour.utcoffset() is None:
            raise ValueError("hour must be timezone-aware")
        end_time = hour.astimezone(UTC).strftime("%Y-%m-%dT%H")
        records: list[Any] = []
        cursor: str | None = None
        seen: set[str] = set()
        for _ in range(self._max_pages):
            params = {"end_time": end_time}
            if cursor is not None:
                params["cursor"] = cursor
            page, cursor = await self._get_with_retries(params)
            records.extend(page)
            if not cursor:
                return records
            if cursor in seen:
                raise ExportError(f"export {self._records} {end_time}: a cursor came back twice")
            if len(cursor) > MAX_CURSOR:
                raise ExportError(f"export {self._records} for {end_time}: cursor too long")
            seen.add(cursor)
        raise ExportError(
            f"export {self._records} for {end_time} does not end after {self._max_pages} pages"
        )

    async def _get_with_retries(self, params: dict[str, str]) -> tuple[list[Any], str | None]:
        return await with_retries(
            lambda: self._get(params),
            retries=self._retries,
            backoff=self._backoff,
            what=f"export {self._records}",
            unavailable=ExportUnavailable,
        )

    async def _get(self, params: dict[str, str]) -> tuple[list[Any], str | None]:
        """One request: (records, next cursor), a domain error, or Transient to retry."""
        try:
            response = await self._http.get(self._records, params=params)
        except httpx.HTTPError as exc:  # network errors and timeouts
            raise Transient(type(exc).__name__) from None
        status = response.status_code
        if status in (401, 403):
            raise ExportAuthError(f"export {self._records} answered {status}", status=status)
        if status == 404:
            raise ExportHourNotReady(
                f"export {self._records} has no data for {params['end_time']} yet"
            )
        if status >= 500:
            raise Transient(f"HTTP {status}")
        if status != 200:
            raise ExportError(f"export {self._records} answered {status}", status=status)
        try:
            page = self._decoder.decode(response.content)
        except msgspec.DecodeError as exc:
            raise Transient(f"unreadable answer: {exc}") from None
        records: list[Any] = page.records  # type: ignore[attr-defined]
        if len(records) > MAX_PAGE_RECORDS:
            raise ExportError(f"export {self._records}: a page of {len(records)} records")
        return records, page.next_cursor


def _page_type(records: str) -> type[msgspec.Struct]:
    """The page shape for this export: `{"<records>": [...], "next_cursor": str | null}`."""
    return msgspec.defstruct(
        "ExportPage",
        [
            ("records", list[Any], msgspec.field(name=records)),
            ("next_cursor", str | None, None),
        ],
    )
