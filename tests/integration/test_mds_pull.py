"""MdsPullClient against FakeMdsProvider over real HTTP, plus httpx.MockTransport edge cases."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest

from domain.errors import DomainError, UpstreamUnavailable
from domain.trips.model import TripRecord
from integrations.bikeshare import read_mds_trips
from integrations.bikeshare.fake import FakeMdsProvider
from integrations.bikeshare.pull import (
    MdsAuthError,
    MdsError,
    MdsHourNotReady,
    MdsPullClient,
    MdsUnavailable,
)

TOKEN = "mds-token-do-not-log"
HOUR = datetime(2026, 3, 2, 8, tzinfo=UTC)


def trip(n: int) -> dict[str, Any]:
    start = int(HOUR.timestamp() * 1000) + n * 60_000
    return {
        "trip_id": f"trip-{n}",
        "device_id": f"bike-{n}",
        "external_account": f"rider-{n}",
        "duration": 600,
        "distance": 1500 + n,
        "start_location": {"lat": 32.0, "lng": 118.8},
        "end_location": {"lat": 32.01, "lng": 118.8},
        "start_time": start,
        "end_time": start + 600_000,
    }


@pytest.fixture
def fake() -> Iterator[FakeMdsProvider]:
    with FakeMdsProvider(token=TOKEN, page_size=2) as server:
        yield server


def client_for(fake: FakeMdsProvider, **kwargs: Any) -> MdsPullClient:
    options: dict[str, Any] = {"token": TOKEN, "backoff": 0, "timeout": 2.0} | kwargs
    return MdsPullClient(base_url=fake.base_url, **options)


def mock_client(handler: Callable[[httpx.Request], httpx.Response], **kw: Any) -> MdsPullClient:
    return MdsPullClient(
        base_url="https://mds.invalid/v2",
        token=TOKEN,
        backoff=0,
        transport=httpx.MockTransport(handler),
        **kw,
    )


@pytest.mark.parametrize("version", ["2.0", "1.2"])
async def test_pages_are_followed_in_both_versions(version: str) -> None:
    trips = [trip(n) for n in range(5)]
    with FakeMdsProvider(token=TOKEN, version=version, page_size=2) as fake:
        fake.add_trips(HOUR, trips)
        fake.add_trips(HOUR + timedelta(hours=1), [trip(9)])
        async with client_for(fake, version=version) as client:
            assert await client.trips_for_hour(HOUR) == trips
    assert len(fake.requests) == 3
    paths = {path for path, _, _ in fake.requests}
    assert paths == {"/trips"}
    queries = [query for _, query, _ in fake.requests]
    assert all(q["end_time"] == "2026-03-02T08" for q in queries)
    assert "cursor" not in queries[0] and queries[1]["cursor"] != queries[2]["cursor"]
    for _, _, headers in fake.requests:
        assert headers["authorization"] == f"Bearer {TOKEN}"
        assert headers["accept"] == f"application/vnd.mds+json;version={version}"


async def test_pulled_trips_read_as_bikeshare_trips(fake: FakeMdsProvider) -> None:
    fake.add_trips(HOUR, [trip(1), trip(2), trip(3)])
    async with client_for(fake) as client:
        records = read_mds_trips(list(await client.trips_for_hour(HOUR)))
    assert [r.external_trip_id for r in records] == ["trip-1", "trip-2", "trip-3"]
    assert all(isinstance(r, TripRecord) for r in records)


async def test_empty_hour_is_one_request(fake: FakeMdsProvider) -> None:
    async with client_for(fake) as client:
        assert await client.trips_for_hour(HOUR) == []
    assert len(fake.requests) == 1


async def test_end_time_is_the_utc_hour(fake: FakeMdsProvider) -> None:
    shanghai = timezone(timedelta(hours=8))
    async with client_for(fake) as client:
        await client.trips_for_hour(datetime(2026, 3, 2, 7, 59, 59, tzinfo=shanghai))
        await client.trips_for_hour(datetime(2026, 1, 1, 0, 30, tzinfo=UTC))
        with pytest.raises(ValueError, match="aware"):
            await client.trips_for_hour(datetime(2026, 3, 2, 8))
    assert [q["end_time"] for _, q, _ in fake.requests] == ["2026-03-01T23", "2026-01-01T00"]


async def test_wrong_token_is_an_auth_error_without_retry(fake: FakeMdsProvider) -> None:
    async with client_for(fake, token="wrong") as client:
        with pytest.raises(MdsAuthError):
            await client.trips_for_hour(HOUR)
    fake.fail_next(403)
    async with client_for(fake) as client:
        with pytest.raises(MdsAuthError) as info:
            await client.trips_for_hour(HOUR)
    assert len(fake.requests) == 2
    assert TOKEN not in str(info.value) and "wrong" not in str(info.value)
    assert isinstance(info.value, MdsError) and info.value.code == "mds_unauthorized"


async def test_hour_not_ready_is_404_without_retry(fake: FakeMdsProvider) -> None:
    fake.mark_not_ready(HOUR)
    fake.add_trips(HOUR + timedelta(hours=-1), [trip(1)])
    async with client_for(fake) as client:
        with pytest.raises(MdsHourNotReady):
            await client.trips_for_hour(HOUR)
        assert await client.trips_for_hour(HOUR - timedelta(hours=1)) == [trip(1)]
    assert len(fake.requests) == 2


async def test_a_503_then_success_takes_two_requests(fake: FakeMdsProvider) -> None:
    fake.add_trips(HOUR, [trip(1)])
    fake.fail_next(503)
    async with client_for(fake) as client:
        assert await client.trips_for_hour(HOUR) == [trip(1)]
    assert len(fake.requests) == 2


@pytest.mark.parametrize("retries", [0, 2])
async def test_503_forever_is_unavailable_after_retries_plus_one(
    fake: FakeMdsProvider, retries: int
) -> None:
    fake.fail_next(503, times=10)
    async with client_for(fake, retries=retries) as client:
        with pytest.raises(MdsUnavailable) as info:
            await client.trips_for_hour(HOUR)
    assert len(fake.requests) == retries + 1
    assert isinstance(info.value, UpstreamUnavailable) and isinstance(info.value, MdsError)


async def test_other_4xx_is_an_mds_error_without_retry(fake: FakeMdsProvider) -> None:
    fake.fail_next(429)
    async with client_for(fake) as client:
        with pytest.raises(MdsError) as info:
            await client.trips_for_hour(HOUR)
    assert type(info.value) is MdsError and info.value.extra["status"] == 429
    assert len(fake.requests) == 1


async def test_fake_checks_the_end_time_format_and_version(fake: FakeMdsProvider) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx.AsyncClient(base_url=fake.base_url, headers=headers) as http:
        for bad in ("2026-03-02T8", "2026-03-02", "2026-13-02T08", "1772438400000"):
            assert (await http.get("/trips", params={"end_time": bad})).status_code == 400
        assert (await http.get("/trips")).status_code == 400
        ok = await http.get("/trips", params={"end_time": "2026-03-02T08"})
        assert ok.status_code == 200
        assert ok.headers["content-type"] == "application/vnd.mds+json;version=2.0"
        assert ok.json() == {"version": "2.0.0", "trips": [], "links": {"next": None}}
        accept = {"Accept": "application/vnd.mds+json;version=1.2"}
        wrong = await http.get("/trips", params={"end_time": "2026-03-02T08"}, headers=accept)
        assert wrong.status_code == 406


async def test_version_mismatch_is_an_mds_error(fake: FakeMdsProvider) -> None:
    async with client_for(fake, version="1.2") as client:
        with pytest.raises(MdsError) as info:
            await client.trips_for_hour(HOUR)
    assert info.value.extra["status"] == 406


async def test_token_is_never_logged(
    fake: FakeMdsProvider, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="httpx")
    fake.add_trips(HOUR, [trip(1)])
    fake.fail_next(500, times=2)
    async with client_for(fake) as client:
        assert await client.trips_for_hour(HOUR) == [trip(1)]
        assert TOKEN not in repr(client)
    assert caplog.records and TOKEN not in caplog.text


# edge cases through httpx.MockTransport --------------------------------------------------------


async def test_bad_json_and_network_errors_are_retried() -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) == 1:
            raise httpx.ConnectError("refused", request=request)
        if len(calls) == 2:
            return httpx.Response(200, content=b"{not json")
        if len(calls) == 3:
            return httpx.Response(200, json={"version": "2.0.0", "links": {}})  # no trips
        return httpx.Response(200, json={"version": "2.0.0", "trips": [{"trip_id": "t"}]})

    async with mock_client(handler, retries=3) as client:
        assert await client.trips_for_hour(HOUR) == [{"trip_id": "t"}]
    assert len(calls) == 4
    assert str(calls[0].url) == "https://mds.invalid/v2/trips?end_time=2026-03-02T08"


async def test_a_503_on_a_later_page_retries_that_page() -> None:
    calls: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        cursor = request.url.params.get("cursor")
        calls.append(cursor)
        if cursor is None:
            return httpx.Response(200, json={"trips": [{"n": 1}], "links": {"next": "?cursor=2"}})
        if calls.count("2") == 1:
            return httpx.Response(503)
        return httpx.Response(200, json={"trips": [{"n": 2}], "links": {"next": None}})

    async with mock_client(handler) as client:
        assert await client.trips_for_hour(HOUR) == [{"n": 1}, {"n": 2}]
    assert calls == [None, "2", "2"]


async def test_bad_json_forever_is_unavailable() -> None:
    async with mock_client(lambda r: httpx.Response(200, content=b"<html>"), retries=1) as client:
        with pytest.raises(MdsUnavailable):
            await client.trips_for_hour(HOUR)


async def test_missing_links_or_relative_next_links() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("page") == "2":
            return httpx.Response(200, json={"version": "1.2.0", "data": {"trips": [{"n": 2}]}})
        body = {"version": "1.2.0", "data": {"trips": [{"n": 1}]}, "links": {"next": "?page=2"}}
        return httpx.Response(200, json=body)

    async with mock_client(handler, version="1.2") as client:
        assert await client.trips_for_hour(HOUR) == [{"n": 1}, {"n": 2}]


async def test_next_link_to_another_origin_is_refused() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        next_url = "https://evil.invalid/trips?cursor=x"
        return httpx.Response(200, json={"trips": [], "links": {"next": next_url}})

    async with mock_client(handler) as client:
        with pytest.raises(MdsError, match="origin"):
            await client.trips_for_hour(HOUR)
    assert seen == ["https://mds.invalid/v2/trips?end_time=2026-03-02T08"]


async def test_a_next_link_that_is_not_a_url_is_refused() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"trips": [], "links": {"next": "http://[::1"}})

    async with mock_client(handler) as client:
        with pytest.raises(MdsError, match="not a URL"):
            await client.trips_for_hour(HOUR)


async def test_a_next_link_that_loops_is_refused() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"trips": [], "links": {"next": "/v2/trips?cursor=same"}})

    async with mock_client(handler) as client:
        with pytest.raises(MdsError, match="does not end"):
            await client.trips_for_hour(HOUR)


def test_errors_are_domain_errors() -> None:
    for cls in (MdsError, MdsAuthError, MdsHourNotReady, MdsUnavailable):
        assert issubclass(cls, DomainError)
    assert issubclass(MdsUnavailable, UpstreamUnavailable)
    with pytest.raises(ValueError):
        MdsPullClient(base_url="http://x.invalid", token=TOKEN, retries=-1)
