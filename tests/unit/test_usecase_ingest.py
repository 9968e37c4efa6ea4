"""The one ingest use case over the fake unit of work: pushed MDS 2.0 trips read by the
registered bike-share adapter, credited in passes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from domain.ledger.accounts import citizen_account_id
from domain.network.service import NetworkCache
from domain.trips.ingest import Intake, ingest_pushed
from integrations.readers import default_readers
from tests.fakes import FakeUnitOfWork
from tests.fakes.builders import PROTECTOR, citizen, link

OP = "op-bike"
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
CONSENT = NOW - timedelta(days=30)
THREE_KM = 279  # points: 3 km x (120.0 - 26.7) g/pkm, 1 g a point
INTAKE = Intake(protector=PROTECTOR, networks=NetworkCache(), readers=default_readers())


def ride(trip_id: str, rider: str, hours_ago: int) -> dict[str, Any]:
    """An MDS 2.0 trip of 3 km in 15 minutes that ended `hours_ago` before NOW."""
    end = NOW - timedelta(hours=hours_ago)
    ms = int(end.timestamp() * 1000)
    return {
        "trip_id": trip_id,
        "external_account": rider,
        "start_time": ms - 15 * 60 * 1000,
        "end_time": ms,
        "distance": 3000,
    }


async def world(riders: int = 2) -> tuple[FakeUnitOfWork, list[str]]:
    """Citizens who consented a month ago and linked bike-share accounts rider-0, rider-1..."""
    uow = FakeUnitOfWork()
    citizens = []
    async with uow.transaction():
        for i in range(riders):
            cid = citizen(uow, consent_at=CONSENT)
            await link(uow, cid, OP, f"rider-{i}", CONSENT)
            citizens.append(cid)
    return uow, citizens


async def push(uow: FakeUnitOfWork, records: list[Any]):
    return await ingest_pushed(uow, INTAKE, OP, "bikeshare", {"trips": records}, NOW)


def balance(uow: FakeUnitOfWork, cid: str) -> int:
    return uow.ledger.balance(citizen_account_id(cid))


async def test_a_batch_credits_its_trips_and_tells_each_citizen_after_commit() -> None:
    uow, (a, b) = await world()
    async with uow.transaction():
        done = await push(uow, [ride("t1", "rider-0", 3), ride("t2", "rider-1", 2)])
    assert [(r.external_trip_id, r.status, r.points) for r in done.results] == [
        ("t1", "credited", THREE_KM),
        ("t2", "credited", THREE_KM),
    ]
    assert done.summary["credited"] == 2
    assert (balance(uow, a), balance(uow, b)) == (THREE_KM, THREE_KM)
    assert {e.channel for e in uow.published} == {f"citizen:{a}", f"citizen:{b}"}
    assert uow.trips.by_external(OP, "t1").citizen_id == a
    assert uow.stages == 0  # no account was held: one transaction
    assert uow.ledger.problems() == []


async def test_a_replayed_batch_answers_duplicates_and_credits_nothing() -> None:
    uow, (a, _) = await world()
    batch = [ride("t1", "rider-0", 3), ride("t2", "rider-1", 2)]
    async with uow.transaction():
        first = await push(uow, batch)
    postings, published = len(uow.ledger.postings), len(uow.published)
    async with uow.transaction():
        again = await push(uow, batch)
    assert [(r.status, r.reason, r.trip_id, r.points, r.detail) for r in again.results] == [
        ("duplicate", "duplicate", r.trip_id, THREE_KM, "stored as credited") for r in first.results
    ]
    assert again.summary["duplicate"] == 2
    assert (len(uow.ledger.postings), len(uow.published)) == (postings, published)
    assert balance(uow, a) == THREE_KM


async def test_the_same_trip_twice_in_a_batch_is_credited_once() -> None:
    uow, (a, _) = await world()
    done = await push(uow, [ride("t1", "rider-0", 3), ride("t1", "rider-0", 3)])
    assert [r.status for r in done.results] == ["credited", "duplicate"]
    assert done.results[1].trip_id == done.results[0].trip_id
    assert balance(uow, a) == THREE_KM


async def test_a_bad_record_never_fails_the_batch() -> None:
    uow, (a, _) = await world()
    records = [42, ride("t1", "rider-0", 3), {"trip_id": "t-bad", "external_account": "rider-1"}]
    done = await push(uow, records)
    assert [(r.external_trip_id, r.status, r.reason) for r in done.results] == [
        (None, "rejected", "invalid_record"),
        ("t1", "credited", None),
        ("t-bad", "rejected", "invalid_record"),
    ]
    assert done.results[2].detail  # says what is wrong with it
    assert (done.summary["credited"], done.summary["rejected"]) == (1, 2)
    assert balance(uow, a) == THREE_KM
    assert uow.trips.by_external(OP, "t-bad") is None  # an unreadable record is not stored


async def test_a_held_account_waits_for_a_later_pass_while_the_others_commit() -> None:
    uow, (a, b) = await world()
    uow.ledger.hold(citizen_account_id(b), until_stage=1)  # another batch commits meanwhile
    async with uow.transaction():
        done = await push(uow, [ride("t1", "rider-0", 3), ride("t2", "rider-1", 2)])
        assert uow.stages == 1
        # the first pass committed a's trip and told a at once; b's credit is not committed yet
        assert [e.channel for e in uow.published] == [f"citizen:{a}"]
        assert [e.channel for e in uow.events] == [f"citizen:{b}"]
    assert [r.status for r in done.results] == ["credited", "credited"]
    assert (balance(uow, a), balance(uow, b)) == (THREE_KM, THREE_KM)
    assert [skip for _, skip in uow.ledger.lock_calls[-2:]] == [True, True]
    assert uow.ledger.problems() == []


async def test_the_first_pass_stands_when_a_later_one_fails() -> None:
    uow, (a, b) = await world()
    uow.ledger.hold(citizen_account_id(b), until_stage=1)
    await push(uow, [ride("t1", "rider-0", 3), ride("t2", "rider-1", 2)])
    uow.rollback()  # as if the request failed after its first stage
    assert uow.trips.by_external(OP, "t1").status == "credited"
    assert uow.trips.by_external(OP, "t2") is None
    assert (balance(uow, a), balance(uow, b)) == (THREE_KM, 0)


async def test_an_account_held_through_the_free_passes_is_waited_for_last() -> None:
    uow, (_, b) = await world()
    uow.ledger.hold(citizen_account_id(b), until_stage=2)
    done = await push(uow, [ride("t1", "rider-0", 3), ride("t2", "rider-1", 2)])
    assert uow.stages == 2  # a free pass made no progress; then one that waits for b
    assert [skip for _, skip in uow.ledger.lock_calls[-3:]] == [True, True, False]
    assert [r.status for r in done.results] == ["credited", "credited"]
    assert balance(uow, b) == THREE_KM
