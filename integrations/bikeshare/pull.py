"""Pull mode: fetch an hour of trips from a bike-share operator's MDS provider endpoint.

    async with MdsPullClient(base_url="https://mds.example.com", token=token) as client:
        trips = await client.trips_for_hour(hour)      # list of raw MDS trip objects

GET {base_url}/trips?end_time=YYYY-MM-DDTHH (the hour in UTC), Bearer token, the MDS media type
with the version asked for; `links.next` is followed while present. Both answer shapes are read:
2.0 `{"version", "trips", "links"}` and 1.2 `{"version", "data": {"trips"}, "links"}`.

It is a `FeedSource` (domain.trips.sources): `records_for_hour` is `trips_for_hour`, and its errors
are the port's (`MdsHourNotReady` is an `HourNotReady`, every `MdsError` a `PullFailed`).

The token travels only in the Authorization header: it is never logged and never part of an error,
and pagination links are followed only on the base URL's own origin, so it cannot leak elsewhere.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final

import httpx
import msgspec

from domain.errors import UpstreamUnavailable
from domain.trips.sources import HourNotReady, PullFailed
from integrations.retries import Transient, with_retries

MAX_PAGES: Final = 10_000


class MdsError(PullFailed):
    """The MDS provider refused the request."""

    code = "mds_error"


class MdsAuthError(MdsError):
    """The MDS provider rejected our token (401/403)."""

    code = "mds_unauthorized"


class MdsHourNotReady(MdsError, HourNotReady):
    """The provider has not processed that hour yet (404): ask again at the next run."""

    code = "mds_hour_not_ready"


class MdsUnavailable(MdsError, UpstreamUnavailable):
    """The MDS provider is unreachable or answers errors or garbage; try again later."""

    code = "mds_unavailable"


class _Data(msgspec.Struct):
    trips: list[dict[str, Any]]


class _Links(msgspec.Struct):
    next: str | None = None


class _Page(msgspec.Struct):
    version: str | None = None
    trips: list[dict[str, Any]] | None = None  # 2.0
    data: _Data | None = None  # 1.2
    links: _Links | None = None


_decoder: Final = msgspec.json.Decoder(_Page)


class MdsPullClient:
    """Reads one hour of trips at a time from an MDS provider API (versions 1.2 and 2.0)."""

    def __init__(
        self,
        *,
        base_url: str,
        token: str,
        version: str = "2.0",
        timeout: float = 10.0,
        retries: int = 2,
        backoff: float = 0.5,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if retries < 0:
            raise ValueError("retries must be >= 0")
        self._retries = retries
        self._backoff = backoff
        self._http = httpx.AsyncClient(
            base_url=base_url,
            timeout=httpx.Timeout(timeout),
            transport=transport,
            headers={
                "Authorization": f"Bearer {token}",
                "Accept": f"application/vnd.mds+json;version={version}",
            },
        )

    def __repr__(self) -> str:
        return f"MdsPullClient(base_url={str(self._http.base_url)!r})"

    async def __aenter__(self) -> MdsPullClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def records_for_hour(self, hour: datetime) -> list[Any]:
        """The FeedSource port (domain.trips.sources): the hour's trips."""
        return await self.trips_for_hour(hour)

    async def trips_for_hour(self, hour: datetime) -> list[dict[str, Any]]:
        """All trips that ended in `hour` (an aware datetime; minutes and below are ignored)."""
        if hour.tzinfo is None or hour.utcoffset() is None:
            raise ValueError("hour must be timezone-aware")
        end_time = hour.astimezone(UTC).strftime("%Y-%m-%dT%H")
        url = self._http.build_request("GET", "trips", params={"end_time": end_time}).url
        trips: list[dict[str, Any]] = []
        seen: set[str] = set()
        while True:
            page, next_url = await self._get_with_retries(url)
            trips.extend(page)
            if not next_url:
                return trips
            url = self._same_origin(url, next_url)
            if str(url) in seen or len(seen) >= MAX_PAGES:
                raise MdsError(f"MDS pagination for {end_time} does not end")
            seen.add(str(url))

    def _same_origin(self, current: httpx.URL, next_url: str) -> httpx.URL:
        try:
            url = current.join(next_url)
        except httpx.InvalidURL:
            raise MdsError("MDS links.next is not a URL") from None
        base = self._http.base_url
        if (url.scheme, url.host, url.port) != (base.scheme, base.host, base.port):
            raise MdsError(f"MDS links.next leaves the provider's origin ({url.host})")
        return url

    async def _get_with_retries(self, url: httpx.URL) -> tuple[list[dict[str, Any]], str | None]:
        return await with_retries(
            lambda: self._get(url),
            retries=self._retries,
            backoff=self._backoff,
            what=f"MDS {url.path}",
            unavailable=MdsUnavailable,
        )

    async def _get(self, url: httpx.URL) -> tuple[list[dict[str, Any]], str | None]:
        """One request: (trips, next link), a domain error, or Transient to retry."""
        try:
            response = await self._http.get(url)
        except httpx.HTTPError as exc:  # network errors and timeouts
            raise Transient(type(exc).__name__) from None
        status = response.status_code
        if status in (401, 403):
            raise MdsAuthError(f"MDS provider answered {status}", status=status)
        if status == 404:
            raise MdsHourNotReady(f"MDS provider has no data for {url.params.get('end_time')} yet")
        if status >= 500:
            raise Transient(f"HTTP {status}")
        if status != 200:
            raise MdsError(f"MDS provider answered {status}", status=status)
        try:
            page = _decoder.decode(response.content)
        except msgspec.DecodeError as exc:
            raise Transient(f"unreadable answer: {exc}") from None
        next_url = page.links.next if page.links is not None else None
        if page.trips is not None:  # 2.0
            return page.trips, next_url
        if page.data is not None:  # 1.2
            return page.data.trips, next_url
        raise Transient("answer without trips")
