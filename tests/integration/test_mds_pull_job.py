"""The hourly MDS pull against a local MDS provider: each hour once, retried when not ready."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import msgspec
import pytest

from api.services import Services
from domain.governance.audit import CLI
from domain.identity.citizens import give_consent, sign_in
from domain.ids import new_id
from domain.operators.feeds import configure
from domain.persistence.tables import Binding
from domain.trips.accounts import account_hash
from domain.trips.pull import last_full_hour
from integrations.bikeshare.fake import FakeMdsProvider
from integrations.bikeshare.pull import MdsPullClient
from jobs import feed_pull
from tests.helpers import make_operator

TOKEN = "mds-token-123"


def early_in_the_hour() -> datetime:
    """Now, moved to five past the hour: the later runs of a test (+5 to +20 minutes) stay in
    the same hour, whatever the clock says when the test starts."""
    return datetime.now(UTC).replace(minute=5, second=0, microsecond=0)


@pytest.fixture
async def services(settings):
    s = Services(settings)
    async with s.channels:  # as the app's lifespan does
        yield s
    await s.close()


@pytest.fixture
def provider():
    with FakeMdsProvider(token=TOKEN, page_size=2) as fake:
        yield fake


async def _world(services: Services, provider: FakeMdsProvider) -> tuple[str, str]:
    now = datetime.now(UTC)
    op, _, _ = await make_operator(services.db, services.protector, "bikeshare")
    async with services.db.unit_of_work() as uow:
        await configure(
            uow,
            services.protector,
            CLI,
            op,
            base_url=provider.base_url,
            token=TOKEN,
            format="mds-2.0",
            enabled=True,
            now=now,
            readers=services.intake.readers,
        )
        citizen = await sign_in(uow, services.protector, "pull-rider", None, now)
        await uow.flush()
        await give_consent(uow, citizen.id, "v1", now - timedelta(days=2))
        citizen.consent_given_at = now - timedelta(days=2)
        uow.bindings.add(
            Binding(
                id=new_id(),
                citizen_id=citizen.id,
                operator_id=op,
                account_hash=account_hash(services.protector, op, "rider-1"),
                account_hint="****er-1",
                bound_at=now,
            )
        )
    return op, citizen.id


def _trip(ext: str, end: datetime) -> dict:
    start = end - timedelta(minutes=12)
    return {
        "trip_id": ext,
        "device_id": "bike-1",
        "external_account": "rider-1",
        "start_time": int(start.timestamp() * 1000),
        "end_time": int(end.timestamp() * 1000),
        "duration": 720,
        "distance": 2500,
        "start_location": {"lat": 32.0, "lng": 118.8},
        "end_location": {"lat": 32.02, "lng": 118.8},
    }


def _client_factory():
    """The MDS source as the job opens it, without the retry back-off."""

    def open_source(target):
        version = target.format.removeprefix("mds-")
        return MdsPullClient(
            base_url=target.base_url, token=target.token, version=version, backoff=0
        )

    return open_source


def pull_due(services, now, open_source):
    return feed_pull.run(services.db, services.intake, now, open_source)


async def test_an_hour_is_pulled_once_and_credited(services, provider) -> None:
    op, citizen_id = await _world(services, provider)
    now = early_in_the_hour()
    hour = last_full_hour(now)
    provider.add_trips(
        hour, [_trip(f"t{i}", hour + timedelta(minutes=15 + 20 * i)) for i in range(3)]
    )
    first = await pull_due(services, now, _client_factory())
    assert first[f"{op}@{hour.isoformat()}"] == "done"
    assert (
        sum(
            1
            for path, q, h in provider.requests
            if q.get("end_time") == hour.strftime("%Y-%m-%dT%H")
        )
        == 2
    )
    assert all(
        {k.lower(): v for k, v in h.items()}["authorization"] == f"Bearer {TOKEN}"
        for _, _, h in provider.requests
    )
    async with services.db.unit_of_work() as uow:
        account = await uow.ledger.account(f"cit:{citizen_id}")
        assert account.balance == 3 * (2500 * 93300 // 1_000_000)
    # a second run (another replica, or the next hour's run) does not pull that hour again
    before = len(provider.requests)
    again = await pull_due(services, now + timedelta(minutes=5), _client_factory())
    assert f"{op}@{hour.isoformat()}" not in again
    assert not any(
        q.get("end_time") == hour.strftime("%Y-%m-%dT%H") for _, q, _ in provider.requests[before:]
    )


async def test_two_processes_at_once_pull_each_hour_once(services, settings, provider) -> None:
    op, _ = await _world(services, provider)
    now = early_in_the_hour()
    hour = last_full_hour(now)
    provider.add_trips(hour, [_trip("c1", hour + timedelta(minutes=30))])
    other = Services(settings)
    async with other.channels:
        a, b = await asyncio.gather(
            pull_due(services, now, _client_factory()), pull_due(other, now, _client_factory())
        )
    await other.close()
    key = f"{op}@{hour.isoformat()}"
    assert [a.get(key), b.get(key)].count("done") == 1
    assert [a.get(key), b.get(key)].count(None) == 1


async def test_an_hour_not_ready_is_retried_later(services, provider) -> None:
    op, _ = await _world(services, provider)
    now = early_in_the_hour()
    hour = last_full_hour(now)
    provider.mark_not_ready(hour)
    first = await pull_due(services, now, _client_factory())
    assert first[f"{op}@{hour.isoformat()}"] == "not_ready"
    provider.mark_ready(hour)
    provider.add_trips(hour, [_trip("late", hour + timedelta(minutes=40))])
    second = await pull_due(services, now + timedelta(minutes=10), _client_factory())
    assert second[f"{op}@{hour.isoformat()}"] == "done"
    async with services.db.unit_of_work() as uow:
        pulls = await uow.feeds.pulls(op, 10)
    [latest] = [p for p in pulls if p.hour == hour]
    assert (latest.status, latest.attempts, latest.credited) == ("done", 2, 1)


async def test_a_wrong_token_is_recorded_as_failed(services, provider) -> None:
    op, _ = await _world(services, provider)
    async with services.db.unit_of_work() as uow:
        feed = await uow.feeds.get(op)
        feed.token_encrypted = services.protector.encrypt("wrong")
    now = early_in_the_hour()
    result = await pull_due(services, now, _client_factory())
    assert set(result.values()) == {"failed"}
    async with services.db.unit_of_work() as uow:
        pulls = await uow.feeds.pulls(op, 10)
    assert all(p.detail for p in pulls)
    assert msgspec.json.encode([p.detail for p in pulls]).find(b"wrong") == -1
