"""Exactly-once crediting under real concurrent requests (PostgreSQL: parallel transactions)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import msgspec
import pytest
from sqlalchemy import select

from api.app import create_app
from domain.crypto import DataProtector
from domain.ledger.verify import verify_ledger
from domain.persistence.tables import LedgerAccount
from tests.api.test_crediting_rules import shanghai
from tests.api.test_feed_metro import journey
from tests.helpers import (
    bearer,
    citizen_login,
    consent,
    dumps,
    import_demo_network,
    link_account,
    make_operator,
    signed_headers,
)
from tests.live import http_client

pytestmark = pytest.mark.pg_only
MIN = timedelta(minutes=1)


@pytest.fixture
async def client(settings):
    """Requests over TCP to a real server, so concurrent requests really run concurrently."""
    async with http_client(create_app(settings)) as c:
        yield c


@pytest.fixture
async def riders(client, db, settings):
    metro = await make_operator(db, DataProtector(settings.data_key), "metro")
    await import_demo_network(db, metro[0])
    citizens = []
    for i in range(5):
        c = await citizen_login(client)
        await consent(client, c, db)
        await link_account(client, c, metro, f"conc-{i}")
        citizens.append(c)
    return metro, citizens


async def _send(client, metro, trips):
    op, key, secret = metro
    path = f"/v1/operators/{op}/trips"
    body = dumps({"trips": trips})
    return await client.post(
        path, content=body, headers=signed_headers("POST", path, key, secret, body)
    )


async def test_the_same_batch_twenty_times_at_once_credits_each_trip_once(client, db, riders):
    metro, citizens = riders
    end = datetime.now(UTC) - timedelta(hours=1)
    trips = [
        journey(f"cc{c}-{k}", f"conc-{c}", "NJM101", f"NJM1{5 + k:02d}", end - timedelta(hours=k))
        for c in range(5)
        for k in range(4)
    ]
    responses = await asyncio.gather(*(_send(client, metro, trips) for _ in range(20)))
    failed = [r.text for r in responses if r.status_code != 200]
    assert not failed, failed
    credited = sum(r.json()["summary"]["credited"] for r in responses)
    duplicates = sum(r.json()["summary"]["duplicate"] for r in responses)
    assert credited == len(trips)
    assert duplicates == len(trips) * 19
    for c in citizens:
        me = (await client.get("/v1/me/trips", headers=bearer(c["access_token"]))).json()
        assert len(me["items"]) == 4
    async with db.unit_of_work() as uow:
        report = await verify_ledger(uow)
    assert report.ok, report.first_bad
    assert report.postings == len(trips)


async def test_concurrent_batches_for_one_citizen_respect_the_daily_cap(client, db, riders):
    metro, _citizens = riders
    ends = [shanghai(-2, 8, 20) + timedelta(minutes=30 * i) for i in range(16)]  # one Shanghai day
    batches = [
        [journey(f"cap-{i}", "conc-0", "NJM101", "NJM104", end, minutes=20)]
        for i, end in enumerate(ends)
    ]
    responses = await asyncio.gather(*(_send(client, metro, b) for b in batches))
    statuses = [r.json()["results"][0]["status"] for r in responses]
    assert statuses.count("credited") == 10
    assert statuses.count("capped") == 6
    async with db.unit_of_work() as uow:
        assert (await verify_ledger(uow)).ok


async def test_a_batch_credits_free_citizens_without_waiting_for_one_that_is_locked(
    client, db, riders
):
    """Pass 1 skips a citizen whose account another transaction holds and commits the rest at
    once; pass 2 waits for that one account only."""
    metro, citizens = riders
    end = datetime.now(UTC) - timedelta(hours=1)
    trips = [
        journey("free-0", "conc-0", "NJM101", "NJM106", end),
        journey("held-1", "conc-1", "NJM101", "NJM106", end),
    ]
    held = f"cit:{citizens[1]['citizen_id']}"
    h0 = bearer(citizens[0]["access_token"])
    async with (
        db.unit_of_work() as blocker,
        client.stream("GET", "/v1/me/events", headers=h0) as live,
    ):
        await blocker.session.execute(
            select(LedgerAccount.id).where(LedgerAccount.id == held).with_for_update()
        )
        lines = live.aiter_lines()
        assert "ready" in await asyncio.wait_for(lines.__anext__(), 10)
        request = asyncio.create_task(_send(client, metro, trips))
        # pass 1 commits citizen 0's trip (and its event goes out) while citizen 1 is held
        while not (await asyncio.wait_for(lines.__anext__(), 10)).startswith("event: points"):
            pass
        me = await client.get("/v1/me/trips", headers=h0)
        assert [t["status"] for t in me.json()["items"]] == ["credited"]
        assert not request.done()  # still waiting for citizen 1's account
        other = await client.get("/v1/me/trips", headers=bearer(citizens[1]["access_token"]))
        assert other.json()["items"] == []
    response = await asyncio.wait_for(request, 30)
    assert response.status_code == 200, response.text
    assert response.json()["summary"]["credited"] == 2
    async with db.unit_of_work() as uow:
        assert (await verify_ledger(uow)).ok


async def test_twenty_batches_at_once_through_a_pool_of_two_connections(db, settings):
    """Passes commit as stages of the request's own unit of work: no request holds one
    connection while it waits for another, so 20 concurrent batches get through a pool of
    2 + 0 connections (before, the request's idle connection plus its passes' exhausted it)."""
    tight = msgspec.structs.replace(settings, database_pool_size=2, database_max_overflow=0)
    async with http_client(create_app(tight)) as client:
        metro = await make_operator(db, DataProtector(settings.data_key), "metro")
        await import_demo_network(db, metro[0])
        citizens = []
        for i in range(8):
            c = await citizen_login(client)
            await consent(client, c, db)
            await link_account(client, c, metro, f"pool-{i}")
            citizens.append(c)
        start = shanghai(-1, 8, 0)
        batches = [  # each citizen in 5 batches: the passes contend for their accounts
            [
                journey(f"pool-{b}-{c}", f"pool-{c}", "NJM101", "NJM104", start + 40 * b * MIN)
                for c in (b % 8, (b + 1) % 8)
            ]
            for b in range(20)
        ]
        responses = await asyncio.gather(
            *(_send(client, metro, batch) for batch in batches),
            client.get("/v1/me", headers=bearer(citizens[0]["access_token"])),
        )
        failed = [r.text for r in responses if r.status_code != 200]
        assert not failed, failed
        assert sum(r.json()["summary"]["credited"] for r in responses[:-1]) == 40
        again = await asyncio.gather(*(_send(client, metro, batch) for batch in batches[:5]))
        assert [r.json()["summary"]["duplicate"] for r in again] == [2] * 5
    async with db.unit_of_work() as uow:
        report = await verify_ledger(uow)
    assert report.ok, report.first_bad
    assert report.postings == 40
