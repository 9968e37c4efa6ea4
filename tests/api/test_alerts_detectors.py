"""Supervision detectors: each kind fires on data that crosses its threshold (with the evidence
that made it fire) and stays quiet on normal data just below it; a second run raises nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from api import cli
from api.cli import commands
from domain.clock import shanghai_date, utcnow
from domain.crypto import DataProtector
from domain.registry import issuance
from jobs import checkpoint
from tests.api.test_feed_metro import journey, push
from tests.economy import buy, cashier, give_points, make_merchant, make_offer, make_store, scan
from tests.helpers import (
    citizen_login,
    consent,
    import_demo_network,
    link_account,
    make_operator,
)
from tests.registry_units import APPROVER, PROPOSER, issued_units, verified_report
from tests.registry_world import make_org
from tests.supervision_world import add_trips, alerts, detect

QUIET = {
    "operator_rate": 0,
    "overlapping_account": 0,
    "redemption_burst": 0,
    "verifier_overclaim": 0,
    "checkpoint_mismatch": 0,
}


# --- an operator's hourly reject or duplicate rate ---------------------------------------------


@pytest.fixture
async def operator(db, settings) -> str:
    return (await make_operator(db, DataProtector(settings.data_key), "bikeshare"))[0]


def _hour(now: datetime) -> datetime:
    """The start of the last complete hour."""
    return now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)


async def _baseline(db, operator: str, hour: datetime, *, rejected: int) -> None:
    """100 trips over the 14 days before `hour`, `rejected` of them rejected (too_fast)."""
    days = [hour - timedelta(days=1 + i % 10, minutes=i) for i in range(100)]
    await add_trips(db, operator, days[rejected:])
    await add_trips(db, operator, days[:rejected], "rejected", "too_fast")


async def _the_hour(db, operator: str, hour: datetime, bad: int, reason: str) -> None:
    """20 trips received in `hour`, `bad` of them rejected for `reason`."""
    times = [hour + timedelta(minutes=2 * i + 1) for i in range(20)]
    await add_trips(db, operator, times[bad:])
    await add_trips(db, operator, times[:bad], "rejected", reason)


async def test_a_reject_rate_well_above_the_baseline_fires(db, operator) -> None:
    now = utcnow()
    hour = _hour(now)
    await _baseline(db, operator, hour, rejected=2)  # 2 %
    await _the_hour(db, operator, hour, 2, "too_fast")  # 10 % >= 3 x 2 %
    assert await detect(db, now) == {**QUIET, "operator_rate": 1}
    [alert] = await alerts(db)
    assert (alert.kind, alert.subject_type, alert.subject_id, alert.status) == (
        "operator_rate",
        "operator",
        operator,
        "open",
    )
    e = alert.evidence
    assert (e["metric"], e["trips"], e["count"], e["rate_percent"]) == ("reject", 20, 2, 10.0)
    assert e["window"] == {
        "start": hour.isoformat(),
        "end": (hour + timedelta(hours=1)).isoformat(),
    }
    assert (e["baseline"]["trips"], e["baseline"]["count"]) == (100, 2)
    assert e["baseline"]["rate_percent"] == 2.0 and e["factor"] == 3
    # the job runs every few minutes: the same hour raises one alert
    assert await detect(db, now + timedelta(minutes=5)) == QUIET
    assert len(await alerts(db)) == 1


async def test_a_reject_rate_just_below_the_factor_is_quiet(db, operator) -> None:
    now = utcnow()
    hour = _hour(now)
    await _baseline(db, operator, hour, rejected=2)
    await _the_hour(db, operator, hour, 1, "too_fast")  # 5 % < 6 %
    assert await detect(db, now) == QUIET
    # and an hour too thin to judge stays quiet however bad it looks
    assert await detect(db, now, rate_min_trips=21) == QUIET
    assert await alerts(db) == []


async def test_a_duplicate_rate_fires_with_its_own_metric(db, operator) -> None:
    now = utcnow()
    hour = _hour(now)
    await _baseline(db, operator, hour, rejected=3)  # none of them repeats
    await _the_hour(db, operator, hour, 3, "overlap")  # 15 % repeats, 15 % rejected
    assert (await detect(db, now))["operator_rate"] == 2
    by_metric = {a.evidence["metric"]: a.evidence for a in await alerts(db, "operator_rate")}
    assert set(by_metric) == {"reject", "duplicate"}
    dup = by_metric["duplicate"]
    assert (dup["count"], dup["baseline"]["count"], dup["floor_percent"]) == (3, 0, 2)


# --- one citizen's accounts on two operators at overlapping times ------------------------------


@pytest.fixture
async def two_metros(client, db, settings):
    protector = DataProtector(settings.data_key)
    metros = []
    for _ in range(2):
        op = await make_operator(db, protector, "metro")
        await import_demo_network(db, op[0])
        metros.append(op)
    citizen = await citizen_login(client)
    await consent(client, citizen, db)
    for op in metros:
        await link_account(client, citizen, op, "card-77")
    return citizen, metros


async def test_one_account_on_two_operators_at_overlapping_times_fires(
    client, db, two_metros
) -> None:
    citizen, (a, b) = two_metros
    end = datetime.now(UTC) - timedelta(hours=2)
    r = await push(client, a, [journey("a1", "card-77", "NJM101", "NJM110", end)])
    assert r.json()["summary"]["credited"] == 1
    later = end + timedelta(minutes=10)  # 20 minutes long: 10 of them overlap
    r = await push(client, b, [journey("b1", "card-77", "NJM101", "NJM105", later)])
    assert r.json()["results"][0]["reason"] == "overlap"

    assert (await detect(db, utcnow()))["overlapping_account"] == 1
    [alert] = await alerts(db, "overlapping_account")
    assert (alert.subject_type, alert.subject_id) == ("citizen", citizen["citizen_id"])
    e = alert.evidence
    assert e["operators"] == sorted([a[0], b[0]]) and e["pair_count"] == 1
    [pair] = e["pairs"]
    assert pair["overlap_seconds"] == 600
    statuses = {pair["first"]["operator_id"]: pair["first"]["status"]}
    statuses[pair["second"]["operator_id"]] = pair["second"]["status"]
    assert statuses == {a[0]: "credited", b[0]: "rejected"}
    assert e["day"] == shanghai_date(end).isoformat()
    assert (await detect(db, utcnow()))["overlapping_account"] == 0


async def test_clock_skew_between_two_operators_is_quiet(client, db, two_metros) -> None:
    _, (a, b) = two_metros
    end = datetime.now(UTC) - timedelta(hours=2)
    await push(client, a, [journey("a1", "card-77", "NJM101", "NJM110", end)])
    later = end + timedelta(minutes=19)  # overlaps by one minute: below the two minutes
    await push(client, b, [journey("b1", "card-77", "NJM101", "NJM105", later)])
    assert await detect(db, utcnow()) == QUIET


# --- a store redeeming more than N vouchers a minute -------------------------------------------


async def _redeem_in_one_minute(client, db, count: int) -> tuple[str, str, datetime]:
    merchant = await make_merchant(db)
    store = await make_store(db, merchant)
    offer = await make_offer(db, merchant, price=1, stock=count, limit=count)
    citizen = await citizen_login(client)
    await give_points(db, citizen["citizen_id"], count)
    till = await cashier(client, db, merchant, store)
    minute = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=10)
    for i in range(count):
        r = await buy(client, citizen, offer)
        assert r.status_code == 201, r.text
        # scanned offline within one minute, uploaded now
        r = await scan(
            client,
            till,
            code=r.json()["code"],
            scanned_at=(minute + timedelta(seconds=2 * i)).isoformat(),
        )
        assert r.status_code == 200, r.text
    return merchant, store, minute


async def test_more_than_n_redemptions_in_a_minute_fire(client, db) -> None:
    merchant, store, minute = await _redeem_in_one_minute(client, db, 6)
    assert (await detect(db, utcnow(), redemptions_per_minute=5))["redemption_burst"] == 1
    [alert] = await alerts(db, "redemption_burst")
    assert (alert.subject_type, alert.subject_id) == ("store", store)
    e = alert.evidence
    assert (e["merchant_id"], e["store_id"], e["redemptions"], e["limit_per_minute"]) == (
        merchant,
        store,
        6,
        5,
    )
    assert e["window"]["start"] == minute.isoformat() and len(e["voucher_ids"]) == 6
    assert (await detect(db, utcnow(), redemptions_per_minute=5))["redemption_burst"] == 0


async def test_n_redemptions_in_a_minute_are_quiet(client, db) -> None:
    await _redeem_in_one_minute(client, db, 5)
    assert await detect(db, utcnow(), redemptions_per_minute=5) == QUIET


# --- a verifier passed more tonnes than staff later accepted -----------------------------------


async def _verified_by(db, tonnes: int) -> tuple[str, str]:
    verifier = await make_org(db, kind="verifier")
    _, report_id, _ = await verified_report(db, await make_org(db), tonnes)
    async with db.unit_of_work() as uow:
        report = await uow.projects.report(report_id)
        report.verifier_org_id = verifier.id
    return verifier.id, report_id


async def test_an_issuance_staff_rejected_after_verification_fires(db) -> None:
    verifier, report_id = await _verified_by(db, 50)
    async with db.unit_of_work() as uow:
        proposal = await issuance.propose(uow, PROPOSER, report_id=report_id, now=utcnow())
    async with db.unit_of_work() as uow:
        await issuance.decide(
            uow, APPROVER, proposal.id, approve=False, reason="double counted", now=utcnow()
        )
    assert (await detect(db, utcnow()))["verifier_overclaim"] == 1
    [alert] = await alerts(db, "verifier_overclaim")
    assert (alert.subject_type, alert.subject_id) == ("verifier", verifier)
    e = alert.evidence
    assert (e["report_id"], e["issuance_id"], e["issuance_status"]) == (
        report_id,
        proposal.id,
        "rejected",
    )
    assert (e["verified_t"], e["accepted_t"], e["gap_t"], e["reason"]) == (
        50,
        0,
        50,
        "double counted",
    )
    assert (await detect(db, utcnow()))["verifier_overclaim"] == 0


async def test_verified_tonnes_issued_in_full_are_quiet(db) -> None:
    await issued_units(db, await make_org(db), 50)
    _, pending = await _verified_by(db, 10)  # proposed, not decided: nothing accepted yet
    async with db.unit_of_work() as uow:
        await issuance.propose(uow, PROPOSER, report_id=pending, now=utcnow())
    assert await detect(db, utcnow()) == QUIET


# --- a published checkpoint that no longer verifies --------------------------------------------


@pytest.fixture
async def published(client, db, settings) -> datetime:
    """Three credited trips today, and today's checkpoint published: the moment it was."""
    metro = await make_operator(db, DataProtector(settings.data_key), "metro")
    await import_demo_network(db, metro[0])
    citizen = await citizen_login(client)
    await consent(client, citizen, db)
    await link_account(client, citizen, metro, "card-v")
    end = datetime.now(UTC) - timedelta(minutes=30)
    trips = [
        journey(f"v{i}", "card-v", "NJM101", f"NJM1{5 + i:02d}", end - timedelta(minutes=30 * i))
        for i in range(3)
    ]
    assert (await push(client, metro, trips)).json()["summary"]["credited"] == 3
    tomorrow = utcnow() + timedelta(days=1)
    assert await checkpoint.run(db, tomorrow) is not None
    return tomorrow


async def test_a_checkpoint_whose_postings_were_rewritten_fires(db, published) -> None:
    async with db.unit_of_work() as uow:
        await uow.session.execute(text("UPDATE ledger_postings SET hash = 'f' WHERE seq = 3"))
    assert (await detect(db, published))["checkpoint_mismatch"] == 1
    [alert] = await alerts(db, "checkpoint_mismatch")
    day = shanghai_date(utcnow()).isoformat()
    assert (alert.subject_type, alert.subject_id) == ("checkpoint", day)
    e = alert.evidence
    async with db.unit_of_work() as uow:
        [row] = await uow.checkpoints.recent(1, None)
    assert e["published_root"] == row.merkle_root != e["recomputed_root"]
    assert e["published"]["postings"] == e["recomputed"]["postings"] == 3
    assert "seq 3" in e["first_bad"]
    assert (await detect(db, published))["checkpoint_mismatch"] == 0


async def test_an_entry_rewritten_behind_the_head_fires(db, published) -> None:
    """An amount changed with its hash left alone: the heads, so the Merkle root, stay the same,
    but the entry no longer matches its own hash."""
    async with db.unit_of_work() as uow:
        await uow.session.execute(
            text("UPDATE ledger_postings SET amount = amount + 1 WHERE seq = 1")
        )
    assert (await detect(db, published))["checkpoint_mismatch"] == 1
    [alert] = await alerts(db, "checkpoint_mismatch")
    e = alert.evidence
    assert e["published_root"] == e["recomputed_root"]
    assert "seq 1" in e["first_bad_entry_of_the_day"] and "hash" in e["first_bad_entry_of_the_day"]
    assert "seq 1" in e["first_bad"]


async def test_an_untouched_checkpoint_is_quiet(db, published) -> None:
    assert await detect(db, published) == QUIET


async def test_the_cli_runs_the_detectors(db, published, settings, monkeypatch, capsys) -> None:
    """`puhui supervise`: the job's run, once, with the thresholds of the settings."""
    async with db.unit_of_work() as uow:
        await uow.session.execute(text("UPDATE ledger_postings SET hash = 'f' WHERE seq = 3"))
    monkeypatch.setattr(commands, "load", lambda: settings)
    monkeypatch.setattr(commands, "utcnow", lambda: published)
    args = cli.parser().parse_args(["supervise"])
    assert await commands.run_async(args) == 0
    assert "checkpoint_mismatch: 1" in capsys.readouterr().out
    assert await commands.run_async(args) == 0
    assert "checkpoint_mismatch: 0" in capsys.readouterr().out
