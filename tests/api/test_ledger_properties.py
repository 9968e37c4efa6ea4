"""Ledger invariants after randomized runs: replays, unlinked accounts, caps, overlaps, erasure.

Each seed drives a different random sequence of batches; afterwards every invariant must hold:
balances equal the sum of their entries (and of their lots), no balance is negative, every chain
verifies, each credited trip has exactly one earn posting, postings net to zero across accounts.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from domain.crypto import DataProtector
from domain.ledger.verify import verify_ledger
from domain.persistence.tables import LedgerAccount, Posting, Trip
from tests.api.test_feed_metro import journey
from tests.helpers import (
    bearer,
    citizen_login,
    consent,
    import_demo_network,
    link_account,
    make_operator,
    signed_post,
)

STATIONS = [f"NJM1{i:02d}" for i in range(1, 28)] + [f"NJM2{i:02d}" for i in range(1, 25)]


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
async def test_invariants_hold_after_a_random_run(client, db, settings, seed) -> None:
    rng = random.Random(seed)
    metro = await make_operator(db, DataProtector(settings.data_key), "metro")
    await import_demo_network(db, metro[0])
    citizens = []
    for _ in range(4):
        c = await citizen_login(client)
        if rng.random() < 0.8:
            await consent(client, c, db)
        citizens.append(c)
    linked = [f"acc-{i}" for i in range(4)]
    for c, account in zip(citizens[:3], linked[:3], strict=True):
        await link_account(client, c, metro, account)

    now = datetime.now(UTC)
    sent: list[dict] = []
    for batch_no in range(6):
        batch = []
        for k in range(rng.randint(1, 25)):
            if sent and rng.random() < 0.2:
                batch.append(rng.choice(sent))  # a replay
                continue
            a, b = rng.sample(STATIONS, 2) if rng.random() < 0.95 else ("NJM101", "NJM101")
            end = now - timedelta(minutes=rng.randint(5, 60 * 24 * 8))
            trip = journey(
                f"s{seed}-{batch_no}-{k}",
                rng.choice([*linked, "stranger"]),
                a,
                b,
                end,
                minutes=rng.randint(1, 90),
            )
            sent.append(trip)
            batch.append(trip)
        r = await signed_post(
            client, f"/v1/operators/{metro[0]}/trips", metro[1], metro[2], {"trips": batch}
        )
        assert r.status_code == 200, r.text
        if batch_no == 3:  # the fourth account is linked late: its pending trips get decided
            await link_account(client, citizens[3], metro, linked[3])
    if rng.random() < 0.5:
        await client.delete("/v1/me", headers=bearer(citizens[0]["access_token"]))

    async with db.unit_of_work() as uow:
        report = await verify_ledger(uow)
        assert report.ok, report.first_bad
        s = uow.session
        assert (await s.execute(select(func.min(LedgerAccount.balance)))).scalar_one() >= 0
        sums = await uow.ledger.sum_by_account()
        assert sum(sums.values()) == 0  # double entry: every posting leaves one account
        for account in (
            await s.execute(select(LedgerAccount).where(LedgerAccount.kind == "citizen"))
        ).scalars():
            assert sums.get(account.id, 0) == account.balance
        credited = (
            await s.execute(select(func.count()).where(Trip.status == "credited", Trip.points > 0))
        ).scalar_one()
        earns = (await s.execute(select(func.count()).where(Posting.kind == "earn"))).scalar_one()
        assert earns == credited
        dupes = (
            await s.execute(
                select(Trip.external_trip_id, func.count())
                .group_by(Trip.operator_id, Trip.external_trip_id)
                .having(func.count() > 1)
            )
        ).all()
        assert dupes == []
