"""ExportPullClient against FakeExportProvider over real HTTP, plus httpx.MockTransport edge cases;
and the SourceOpener that picks MDS or the export protocol for a configured feed."""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest

from domain.errors import UpstreamUnavailable
from domain.trips.sources import HourNotReady, PullFailed, PullTarget
from integrations.bikeshare.fake import FakeMdsProvider
from integrations.bikeshare.pull import (
    MdsAuthError,
    MdsError,
    MdsHourNotReady,
    MdsPullClient,
    MdsUnavailable,
)
from integrations.exports.fake import FakeExportProvider, FakeMetroTaps, tap
from integrations.exports.pull import (
    ExportAuthError,
    ExportError,
    ExportHourNotReady,
    ExportPullClient,
    ExportUnavailable,
)
from integrations.sources import open_source

TOKEN = "export-token-do-not-log"
HOUR = datetime(2026, 3, 2, 8, tzinfo=UTC)


def record(n: int) -> dict[str, Any]:
    return {"external_trip_id": f"r-{n}", "external_account": f"acct-{n}", "n": n}


@pytest.fixture
def fake() -> Iterator[FakeExportProvider]:
    with FakeExportProvider(token=TOKEN, page_size=2) as server:
        yield server


def client_for(fake: FakeExportProvider, **kwargs: Any) -> ExportPullClient:
    options: dict[str, Any] = {"token": TOKEN, "records": "trips", "backoff": 0, "timeout": 2.0}
    return ExportPullClient(base_url=fake.base_url, **(options | kwargs))


def mock_client(handler: Callable[[httpx.Request], httpx.Response], **kw: Any) -> ExportPullClient:
    options: dict[str, Any] = {"records": "trips", "backoff": 0} | kw
    return ExportPullClient(
        base_url="https://export.invalid/v1",
        token=TOKEN,
        transport=httpx.MockTransport(handler),
        **options,
    )


@pytest.mark.parametrize("records", ["trips", "taps"])
async def test_pages_are_followed(fake: FakeExportProvider, records: str) -> None:
    items = [record(n) for n in range(5)]
    fake.add(records, HOUR, items)
    fake.add(records, HOUR + timedelta(hours=1), [record(9)])
    fake.add("other", HOUR, [record(7)])
    async with client_for(fake, records=records) as client:
        assert await client.records_for_hour(HOUR) == items
    assert len(fake.requests) == 3
    assert {path for path, _, _ in fake.requests} == {f"/{records}"}
    queries = [query for _, query, _ in fake.requests]
    assert all(q["end_time"] == "2026-03-02T08" for q in queries)
    assert "cursor" not in queries[0] and queries[1]["cursor"] != queries[2]["cursor"]
    assert all(h["authorization"] == f"Bearer {TOKEN}" for _, _, h in fake.requests)


async def test_empty_hour_is_one_request(fake: FakeExportProvider) -> None:
    async with client_for(fake) as client:
        assert await client.records_for_hour(HOUR) == []
    assert len(fake.requests) == 1


async def test_end_time_is_the_utc_hour(fake: FakeExportProvider) -> None:
    shanghai = timezone(timedelta(hours=8))
    async with client_for(fake) as client:
        await client.records_for_hour(datetime(2026, 3, 2, 7, 59, 59, tzinfo=shanghai))
        await client.records_for_hour(datetime(2026, 1, 1, 0, 30, tzinfo=UTC))
        with pytest.raises(ValueError, match="aware"):
            await client.records_for_hour(datetime(2026, 3, 2, 8))
    assert [q["end_time"] for _, q, _ in fake.requests] == ["2026-03-01T23", "2026-01-01T00"]


async def test_a_base_url_with_a_path_keeps_it() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, json={"trips": [], "next_cursor": None})

    async with mock_client(handler) as client:
        await client.records_for_hour(HOUR)
    assert seen == ["https://export.invalid/v1/trips?end_time=2026-03-02T08"]


async def test_a_cursor_that_comes_back_is_refused(fake: FakeExportProvider) -> None:
    fake.add("trips", HOUR, [record(n) for n in range(5)])
    fake.loop_cursors()
    async with client_for(fake) as client:
        with pytest.raises(ExportError, match="twice") as info:
            await client.records_for_hour(HOUR)
    assert isinstance(info.value, PullFailed)
    assert len(fake.requests) == 2  # the first page, then the page its cursor named again


async def test_pages_are_bounded() -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(200, json={"trips": [calls], "next_cursor": f"c{calls}"})

    async with mock_client(handler, max_pages=5) as client:
        with pytest.raises(ExportError, match="does not end"):
            await client.records_for_hour(HOUR)
    assert calls == 5


async def test_hour_not_ready_is_404_without_retry(fake: FakeExportProvider) -> None:
    fake.mark_not_ready(HOUR)
    fake.add("trips", HOUR - timedelta(hours=1), [record(1)])
    async with client_for(fake) as client:
        with pytest.raises(HourNotReady) as info:
            await client.records_for_hour(HOUR)
        assert await client.records_for_hour(HOUR - timedelta(hours=1)) == [record(1)]
    assert isinstance(info.value, ExportHourNotReady)
    assert not isinstance(info.value, PullFailed)  # not ready is not a failure: asked again later
    assert len(fake.requests) == 2


@pytest.mark.parametrize("status", [401, 403])
async def test_a_refused_token_is_a_pull_failure_without_retry(
    fake: FakeExportProvider, status: int
) -> None:
    fake.fail_next(status)
    async with client_for(fake) as client:
        with pytest.raises(ExportAuthError) as info:
            await client.records_for_hour(HOUR)
    assert isinstance(info.value, PullFailed) and info.value.extra["status"] == status
    assert info.value.code == "export_unauthorized"
    assert len(fake.requests) == 1


async def test_a_wrong_token_is_never_in_the_error_nor_the_log(
    fake: FakeExportProvider, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with client_for(fake, token="wrong-secret-token") as client:
        with pytest.raises(ExportAuthError) as auth:
            await client.records_for_hour(HOUR)
        assert "wrong-secret-token" not in repr(client)
    fake.fail_next(503, times=3)
    async with client_for(fake) as client:
        with pytest.raises(ExportUnavailable) as down:
            await client.records_for_hour(HOUR)
    for exc in (auth.value, down.value):
        text = f"{exc} {exc.detail} {exc.extra} {exc!r}"
        assert "wrong-secret-token" not in text and TOKEN not in text
    assert "wrong-secret-token" not in caplog.text and TOKEN not in caplog.text
    assert "attempt" in caplog.text  # the retries were logged, without the token


async def test_a_503_then_success_takes_two_requests(fake: FakeExportProvider) -> None:
    fake.add("trips", HOUR, [record(1), record(2), record(3)])
    fake.fail_next(503)
    async with client_for(fake) as client:
        assert await client.records_for_hour(HOUR) == [record(1), record(2), record(3)]
    assert len(fake.requests) == 3  # 503, page 1, page 2


@pytest.mark.parametrize("retries", [0, 2])
async def test_5xx_forever_is_a_pull_failure_after_retries_plus_one(
    fake: FakeExportProvider, retries: int
) -> None:
    fake.fail_next(502, times=10)
    async with client_for(fake, retries=retries) as client:
        with pytest.raises(PullFailed) as info:
            await client.records_for_hour(HOUR)
    assert len(fake.requests) == retries + 1
    assert isinstance(info.value, ExportUnavailable)
    assert isinstance(info.value, UpstreamUnavailable)


async def test_a_failing_page_after_the_first_is_retried(fake: FakeExportProvider) -> None:
    fake.add("trips", HOUR, [record(n) for n in range(4)])
    async with client_for(fake) as client:
        calls = 0
        real_get = client._get

        async def get_then_fail(params: dict[str, str]) -> Any:
            nonlocal calls
            calls += 1
            if calls == 2:
                fake.fail_next(500)
            return await real_get(params)

        client._get = get_then_fail  # type: ignore[method-assign]
        assert await client.records_for_hour(HOUR) == [record(n) for n in range(4)]
    assert [q.get("cursor") is None for _, q, _ in fake.requests] == [True, False, False]


async def test_network_errors_are_retried_then_a_pull_failure() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    async with ExportPullClient(
        base_url=f"http://127.0.0.1:{port}", token=TOKEN, records="trips", backoff=0, retries=1
    ) as client:
        with pytest.raises(ExportUnavailable, match="after 2 attempts"):
            await client.records_for_hour(HOUR)


@pytest.mark.parametrize(
    "body",
    [
        b"<html>busy</html>",
        b'{"next_cursor": null}',  # no records
        b'{"trips": {"a": 1}, "next_cursor": null}',  # records not a list
        b'{"trips": [], "next_cursor": 7}',
    ],
)
async def test_garbage_is_retried_then_a_pull_failure(body: bytes) -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(200, content=body)

    async with mock_client(handler, retries=1) as client:
        with pytest.raises(ExportUnavailable, match="unreadable"):
            await client.records_for_hour(HOUR)
    assert calls == 2


async def test_other_4xx_and_redirects_are_refused_without_retry() -> None:
    answers = iter(
        [
            httpx.Response(429),
            httpx.Response(302, headers={"Location": "https://elsewhere.invalid/trips"}),
        ]
    )
    urls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        urls.append(str(request.url))
        return next(answers)

    async with mock_client(handler) as client:
        for status in (429, 302):
            with pytest.raises(ExportError) as info:
                await client.records_for_hour(HOUR)
            assert type(info.value) is ExportError and info.value.extra["status"] == status
    assert all(u.startswith("https://export.invalid/") for u in urls) and len(urls) == 2


def test_arguments_are_checked() -> None:
    with pytest.raises(ValueError):
        ExportPullClient(base_url="http://x.invalid", token=TOKEN, records="trips", retries=-1)
    for bad in ("../admin", "trips?x=1", "", "Trips/1"):
        with pytest.raises(ValueError):
            ExportPullClient(base_url="http://x.invalid", token=TOKEN, records=bad)


async def test_fake_checks_its_parameters(fake: FakeExportProvider) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx.AsyncClient(base_url=fake.base_url, headers=headers) as http:
        for bad in ("2026-03-02T8", "2026-03-02", "2026-13-02T08"):
            assert (await http.get("/taps", params={"end_time": bad})).status_code == 400
        assert (await http.get("/taps")).status_code == 400
        params = {"end_time": "2026-03-02T08", "cursor": "nonsense"}
        assert (await http.get("/taps", params=params)).status_code == 400
        assert (await http.get("/a/b", params={"end_time": "2026-03-02T08"})).status_code == 404
        ok = await http.get("/taps", params={"end_time": "2026-03-02T08"})
        assert ok.status_code == 200 and ok.json() == {"taps": [], "next_cursor": None}
    async with httpx.AsyncClient(base_url=fake.base_url) as http:
        assert (await http.get("/taps", params={"end_time": "2026-03-02T08"})).status_code == 401


async def test_a_per_format_fake_serves_its_records() -> None:
    taps = [tap("card-1", "in", "NJM101", HOUR), tap("card-1", "out", "NJM105", HOUR)]
    with FakeMetroTaps(token=TOKEN, page_size=1) as fake:
        fake.add_taps(HOUR, taps)
        async with client_for(fake, records=FakeMetroTaps.records) as client:
            assert await client.records_for_hour(HOUR) == taps


# -- the MDS client is a FeedSource too, and the opener picks a client per format --------------


def test_mds_errors_are_the_ports_errors() -> None:
    for cls in (MdsError, MdsAuthError, MdsUnavailable):
        assert issubclass(cls, PullFailed)
    assert issubclass(MdsHourNotReady, HourNotReady)
    assert MdsHourNotReady().code == "mds_hour_not_ready"


async def test_opener_speaks_mds_for_mds_formats() -> None:
    trip = {"trip_id": "t1"}
    with FakeMdsProvider(token=TOKEN, version="1.2", page_size=1) as fake:
        fake.add_trips(HOUR, [trip, {"trip_id": "t2"}])
        fake.mark_not_ready(HOUR + timedelta(hours=1))
        target = PullTarget("op", fake.base_url, TOKEN, "mds-1.2", "trips")
        async with open_source(target, backoff=0) as source:
            assert isinstance(source, MdsPullClient)
            assert await source.records_for_hour(HOUR) == [trip, {"trip_id": "t2"}]
            with pytest.raises(HourNotReady):
                await source.records_for_hour(HOUR + timedelta(hours=1))
    assert all("version=1.2" in h["accept"] for _, _, h in fake.requests)


async def test_opener_speaks_the_export_protocol_for_other_formats(
    fake: FakeExportProvider,
) -> None:
    fake.add("taps", HOUR, [record(1)])
    target = PullTarget("op", fake.base_url, TOKEN, "metro-taps", "taps")
    async with open_source(target, backoff=0) as source:
        assert isinstance(source, ExportPullClient)
        assert await source.records_for_hour(HOUR) == [record(1)]
    assert [p for p, _, _ in fake.requests] == ["/taps"]
