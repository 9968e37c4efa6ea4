"""Pull mode for every non-MDS format: a feed configured through the admin API, a local export
server speaking the paged JSON protocol, and the hourly job crediting what it pulls."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import pytest

from api.services import Services
from domain.identity.principal import Role
from domain.network.demo import nanjing_demo
from domain.network.graph import haversine_m
from domain.trips.accounts import account_hash
from domain.trips.pull import last_full_hour
from integrations.exports.fake import (
    FakeBusBoardings,
    FakeExportProvider,
    FakeMetroJourneys,
    FakeMetroTaps,
    boarding,
    journey,
    tap,
)
from integrations.sources import open_source
from jobs import feed_pull
from tests.helpers import (
    bearer,
    citizen_login,
    consent,
    import_demo_network,
    link_account,
    make_operator,
    staff_login,
)

TOKEN = "export-token-for-the-job"
ACCOUNT = "card-77"
opener = partial(open_source, backoff=0)  # no sleeping between retries in tests


def early_in_the_hour() -> datetime:
    """Now, moved to five past the hour: the later runs of a test (+5 to +20 minutes) stay in
    the same hour, whatever the clock says when the test starts."""
    return datetime.now(UTC).replace(minute=5, second=0, microsecond=0)


def metro_points(a: str, b: str) -> int:
    return nanjing_demo().distance_m(a, b) * 46800 // 1_000_000


def bus_points(a: str, b: str) -> int:
    s, t = nanjing_demo().stop(a), nanjing_demo().stop(b)
    return int(haversine_m(s.lat, s.lon, t.lat, t.lon) * 1.3) * 26900 // 1_000_000


@dataclass(frozen=True)
class Case:
    format: str
    kind: str
    provider: type[FakeExportProvider]
    ride: Callable[[str, datetime], list[dict[str, Any]]]  # (trip id, hour) -> records
    points: int  # what one ride earns


def _journey(trip_id: str, hour: datetime) -> list[dict[str, Any]]:
    entered = hour + timedelta(minutes=5)
    return [journey(trip_id, ACCOUNT, "NJM101", "NJM104", entered, entered + timedelta(minutes=9))]


def _taps(trip_id: str, hour: datetime) -> list[dict[str, Any]]:
    entered = hour + timedelta(minutes=5)
    return [
        tap(ACCOUNT, "in", "NJM101", entered),
        tap(ACCOUNT, "out", "NJM104", entered + timedelta(minutes=9)),
    ]


def _boarding(trip_id: str, hour: datetime) -> list[dict[str, Any]]:
    boarded = hour + timedelta(minutes=5)
    return [
        boarding(
            trip_id, ACCOUNT, "5", "NJM101", boarded, "NJM104", boarded + timedelta(minutes=12)
        )
    ]


CASES = [
    Case("metro-journeys", "metro", FakeMetroJourneys, _journey, metro_points("NJM101", "NJM104")),
    Case("metro-taps", "metro", FakeMetroTaps, _taps, metro_points("NJM101", "NJM104")),
    Case("bus-boardings", "bus", FakeBusBoardings, _boarding, bus_points("NJM101", "NJM104")),
]


@pytest.fixture
async def services(settings) -> AsyncIterator[Services]:
    s = Services(settings)
    async with s.channels:  # as the app's lifespan does
        yield s
    await s.close()


async def _operator_with_feed(
    client, services: Services, kind: str, fmt: str, provider: FakeExportProvider
) -> tuple[str, dict[str, Any]]:
    """An operator with the demo network, a consenting citizen linked to ACCOUNT, and its feed
    configured through the admin API. Returns (operator id, citizen session)."""
    op = await make_operator(services.db, services.protector, kind)
    await import_demo_network(services.db, op[0])
    citizen = await citizen_login(client)
    await consent(client, citizen, services.db)
    await link_account(client, citizen, op, ACCOUNT)
    admin = await staff_login(client, services.db, Role.OPERATIONS)
    r = await client.put(
        f"/v1/admin/operators/{op[0]}/feed",
        json={"base_url": provider.base_url, "token": TOKEN, "format": fmt},
        headers=bearer(admin["access_token"]),
    )
    assert r.status_code == 200, r.text
    assert r.json()["format"] == fmt
    return op[0], citizen


async def _my_trips(client, citizen: dict[str, Any]) -> list[tuple[str, int]]:
    r = await client.get("/v1/me/trips", headers=bearer(citizen["access_token"]))
    assert r.status_code == 200, r.text
    return sorted((t["status"], t["points"]) for t in r.json()["items"])


@pytest.mark.parametrize("case", CASES, ids=[c.format for c in CASES])
async def test_pulled_once_credited_and_a_late_hour_retried(client, services, case: Case) -> None:
    with case.provider(token=TOKEN, page_size=1) as provider:
        op, citizen = await _operator_with_feed(client, services, case.kind, case.format, provider)
        now = early_in_the_hour()
        hour = last_full_hour(now)
        late = hour - timedelta(hours=1)
        provider.add(provider.records, hour, case.ride("ride-1", hour))
        provider.mark_not_ready(late)

        first = await feed_pull.run(services.db, services.intake, now, open_source=opener)
        assert first[f"{op}@{late.isoformat()}"] == "not_ready"
        pages = len(case.ride("x", hour))
        # an hour not ready holds up no newer hour, raw taps included
        assert first[f"{op}@{hour.isoformat()}"] == "done"
        assert await _my_trips(client, citizen) == [("credited", case.points)]
        assert provider.asked(provider.records, hour) == pages  # one record a page
        assert {p for p, _, _ in provider.requests} == {f"/{provider.records}"}
        assert all(h["authorization"] == f"Bearer {TOKEN}" for _, _, h in provider.requests)

        # the next run: the done hour is not asked again; the late one is, and now it is ready
        provider.mark_ready(late)
        provider.add(provider.records, late, case.ride("ride-0", late))
        second = await feed_pull.run(
            services.db, services.intake, now + timedelta(minutes=10), open_source=opener
        )
        assert f"{op}@{hour.isoformat()}" not in second
        assert second[f"{op}@{late.isoformat()}"] == "done"
        assert provider.asked(provider.records, hour) == pages
        assert await _my_trips(client, citizen) == [("credited", case.points)] * 2

        # and a third run has nothing left to pull
        before = len(provider.requests)
        third = await feed_pull.run(
            services.db, services.intake, now + timedelta(minutes=20), open_source=opener
        )
        assert third == {} and len(provider.requests) == before

    async with services.db.unit_of_work() as uow:
        pulls = {p.hour: p for p in await uow.feeds.pulls(op, 24)}
    assert (pulls[hour].status, pulls[hour].attempts, pulls[hour].credited) == ("done", 1, 1)
    assert (pulls[late].status, pulls[late].attempts, pulls[late].credited) == ("done", 2, 1)
    assert pulls[hour].records == pages


async def test_taps_pair_across_hours_through_the_kept_state(client, services) -> None:
    """A tap-in pulled with one hour waits for its tap-out, pulled with the next hour's run."""
    with FakeMetroTaps(token=TOKEN, page_size=2) as provider:
        op, citizen = await _operator_with_feed(client, services, "metro", "metro-taps", provider)
        now = early_in_the_hour()
        hour = last_full_hour(now)
        earlier = hour - timedelta(hours=1)
        tapped_in = hour - timedelta(minutes=10)  # in the earlier hour
        provider.add_taps(earlier, [tap(ACCOUNT, "in", "NJM101", tapped_in)])
        provider.add_taps(hour, [tap(ACCOUNT, "out", "NJM106", hour + timedelta(minutes=8))])

        # the run just after the earlier hour ended: only that hour is due; the tap-in is kept
        run_then = hour + timedelta(minutes=2)
        first = await feed_pull.run(services.db, services.intake, run_then, open_source=opener)
        assert first[f"{op}@{earlier.isoformat()}"] == "done"
        assert f"{op}@{hour.isoformat()}" not in first
        assert await _my_trips(client, citizen) == []

        # the next hour's run pulls the tap-out, which closes the kept tap-in
        second = await feed_pull.run(services.db, services.intake, now, open_source=opener)
        assert second[f"{op}@{hour.isoformat()}"] == "done"
        assert f"{op}@{earlier.isoformat()}" not in second
        assert await _my_trips(client, citizen) == [("credited", metro_points("NJM101", "NJM106"))]
        assert provider.asked("taps", earlier) == 1 and provider.asked("taps", hour) == 1


async def test_a_tap_out_pulled_before_its_tap_ins_hour_waits_for_it(client, services) -> None:
    """The tap-in's hour is late at the provider: the next hour, with the tap-out, is pulled
    first; the tap-out waits, and the run that pulls the late hour pairs them."""
    with FakeMetroTaps(token=TOKEN, page_size=2) as provider:
        op, citizen = await _operator_with_feed(client, services, "metro", "metro-taps", provider)
        now = early_in_the_hour()
        hour = last_full_hour(now)
        earlier = hour - timedelta(hours=1)
        provider.add_taps(earlier, [tap(ACCOUNT, "in", "NJM101", hour - timedelta(minutes=10))])
        provider.add_taps(hour, [tap(ACCOUNT, "out", "NJM106", hour + timedelta(minutes=8))])
        provider.mark_not_ready(earlier)

        first = await feed_pull.run(services.db, services.intake, now, open_source=opener)
        assert first[f"{op}@{earlier.isoformat()}"] == "not_ready"
        assert first[f"{op}@{hour.isoformat()}"] == "done"
        assert await _my_trips(client, citizen) == []
        async with services.db.unit_of_work() as uow:
            [waiting] = await uow.trips.open_taps(op, [_hash(services, op)])
        assert (waiting.direction, waiting.station) == ("out", "NJM106")

        provider.mark_ready(earlier)
        second = await feed_pull.run(
            services.db, services.intake, now + timedelta(minutes=10), open_source=opener
        )
        assert second == {f"{op}@{earlier.isoformat()}": "done"}
        assert await _my_trips(client, citizen) == [("credited", metro_points("NJM101", "NJM106"))]
        async with services.db.unit_of_work() as uow:
            assert await uow.trips.open_taps(op, [_hash(services, op)]) == []


def _hash(services: Services, op: str) -> str:
    return account_hash(services.protector, op, ACCOUNT)


async def test_a_refused_token_is_recorded_as_failed(client, services) -> None:
    with FakeBusBoardings(token="the-operators-real-token") as provider:
        op, citizen = await _operator_with_feed(client, services, "bus", "bus-boardings", provider)
        now = early_in_the_hour()
        hour = last_full_hour(now)
        provider.add_boardings(hour, _boarding("b-1", hour))
        result = await feed_pull.run(services.db, services.intake, now, open_source=opener)
    assert set(result.values()) == {"failed"}
    assert await _my_trips(client, citizen) == []
    async with services.db.unit_of_work() as uow:
        pulls = await uow.feeds.pulls(op, 24)
    assert pulls and all(p.status == "failed" and p.detail for p in pulls)
    assert all(TOKEN not in (p.detail or "") for p in pulls)
