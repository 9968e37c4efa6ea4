"""The ledger verifies, tampering is caught and named, checkpoints are published and public."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from domain.clock import shanghai_date, utcnow
from domain.crypto import DataProtector
from domain.ledger.verify import verify_ledger
from jobs import checkpoint
from tests.api.test_feed_metro import journey, push
from tests.helpers import (
    bearer,
    citizen_login,
    consent,
    import_demo_network,
    link_account,
    make_operator,
)


@pytest.fixture
async def credited(client, db, settings):
    metro = await make_operator(db, DataProtector(settings.data_key), "metro")
    await import_demo_network(db, metro[0])
    citizen = await citizen_login(client)
    await consent(client, citizen, db)
    await link_account(client, citizen, metro, "card-v")
    end = datetime.now(UTC) - timedelta(hours=3)
    trips = [
        journey(f"v{i}", "card-v", "NJM101", f"NJM1{5 + i:02d}", end - timedelta(hours=i))
        for i in range(3)
    ]
    r = await push(client, metro, trips)
    assert r.json()["summary"]["credited"] == 3
    return citizen


async def test_a_clean_ledger_verifies(db, credited) -> None:
    async with db.unit_of_work() as uow:
        report = await verify_ledger(uow)
    assert report.ok, report.first_bad
    assert report.postings == 3


@pytest.mark.parametrize(
    ("sql", "expect"),
    [
        ("UPDATE ledger_postings SET amount = amount + 1 WHERE seq = 2", "seq 2"),
        (
            "UPDATE trips SET distance_m = distance_m + 1000 WHERE external_trip_id = 'v1'",
            "fingerprint",
        ),
        ("UPDATE ledger_accounts SET balance = balance + 5 WHERE kind = 'citizen'", "cached"),
        ("DELETE FROM ledger_postings WHERE seq = 3", "cached"),
        ("UPDATE points_lots SET remaining = remaining + 7", "lots"),
    ],
)
async def test_tampering_is_named(db, credited, sql, expect) -> None:
    async with db.unit_of_work() as uow:
        await uow.session.execute(text(sql))
    async with db.unit_of_work() as uow:
        report = await verify_ledger(uow)
    assert not report.ok
    assert expect in report.first_bad


async def test_checkpoint_is_published_once_and_public(client, db, credited) -> None:
    tomorrow = utcnow() + timedelta(days=1)
    first = await checkpoint.run(db, tomorrow)  # closes today
    again = await checkpoint.run(db, tomorrow + timedelta(minutes=5))
    assert first.day == shanghai_date(utcnow())
    assert again.merkle_root == first.merkle_root and again.created_at == first.created_at
    assert first.accounts == 1
    r = await client.get("/v1/public/checkpoints")
    assert r.status_code == 200
    [cp] = [c for c in r.json() if c["date"] == first.day.isoformat()]
    assert cp["merkle_root"] == first.merkle_root
    assert cp["points_issued"] > 0


async def test_public_stats_count_credited_trips(client, credited) -> None:
    stats = (await client.get("/v1/public/stats")).json()
    assert stats["credited_trips"] == 3
    assert stats["active_citizens"] == 1
    assert sum(d["credited_trips"] for d in stats["by_day_and_mode"]) == 3
    assert {d["mode"] for d in stats["by_day_and_mode"]} == {"metro"}


async def test_ledger_pages_with_a_cursor(client, credited) -> None:
    h = bearer(credited["access_token"])
    first = (await client.get("/v1/me/ledger", params={"limit": 2}, headers=h)).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = await client.get("/v1/me/ledger", params={"cursor": first["next_cursor"]}, headers=h)
    seqs = [e["seq"] for e in first["items"] + rest.json()["items"]]
    assert seqs == [3, 2, 1]
    assert rest.json()["next_cursor"] is None
    bad = await client.get("/v1/me/ledger", params={"cursor": "garbage!"}, headers=h)
    assert bad.status_code in (400, 422)
