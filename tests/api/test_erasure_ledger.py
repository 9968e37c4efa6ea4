"""`puhui verify` after an erasure: an erased trip's posting is checked against the trip's stored
fingerprint (its content is gone), and what could pass for an erasure is named."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from domain.crypto import DataProtector
from domain.ledger.verify import verify_ledger
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
async def erased_and_kept(client, db, settings):
    """Two citizens with two credited trips each; the first (trips e0, e1) erased."""
    metro = await make_operator(db, DataProtector(settings.data_key), "metro")
    await import_demo_network(db, metro[0])
    end = datetime.now(UTC) - timedelta(hours=3)
    citizens = []
    for who in ("e", "k"):
        citizen = await citizen_login(client)
        await consent(client, citizen, db)
        await link_account(client, citizen, metro, f"card-{who}")
        trips = [
            journey(
                f"{who}{i}", f"card-{who}", "NJM101", f"NJM1{5 + i:02d}", end - timedelta(hours=i)
            )
            for i in range(2)
        ]
        r = await push(client, metro, trips)
        assert r.json()["summary"]["credited"] == 2
        citizens.append(citizen)
    r = await client.delete("/v1/me", headers=bearer(citizens[0]["access_token"]))
    assert r.status_code == 204
    return citizens


async def test_an_erased_citizens_trips_still_verify(db, erased_and_kept) -> None:
    async with db.unit_of_work() as uow:
        report = await verify_ledger(uow)
        erased = await uow.session.execute(
            text("SELECT count(*) FROM trips WHERE erased_at IS NOT NULL")
        )
    assert report.ok, report.first_bad
    assert erased.scalar_one() == 2
    assert report.postings == 2 + 1 + 2  # two earns and the write-off, and the other's two earns


@pytest.mark.parametrize(
    ("sql", "expect"),
    [
        # an erased trip's stored fingerprint is what binds it to its posting
        (
            f"UPDATE trips SET fingerprint = '{'0' * 64}' WHERE external_trip_id = 'e1'",
            "erased trip's fingerprint differs",
        ),
        ("UPDATE trips SET points = points + 1 WHERE external_trip_id = 'e0'", "status/points"),
        # emptying a living citizen's trip as if erased is not an erasure
        (
            "UPDATE trips SET erased_at = decided_at, account_hash = NULL, started_at = NULL, "
            "ended_at = NULL WHERE external_trip_id = 'k1'",
            "marked erased but its citizen is not",
        ),
        # nor is emptying it without the mark: named, not a crash
        ("UPDATE trips SET started_at = NULL WHERE external_trip_id = 'k0'", "times missing"),
    ],
)
async def test_tampering_around_erasure_is_named(db, erased_and_kept, sql, expect) -> None:
    async with db.unit_of_work() as uow:
        await uow.session.execute(text(sql))
    async with db.unit_of_work() as uow:
        report = await verify_ledger(uow)
    assert not report.ok
    assert expect in report.first_bad
