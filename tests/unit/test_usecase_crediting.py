"""Deciding and crediting trips (caps, overlap, chained postings), and pending trips credited
when their account is linked, over the fake unit of work."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.ids import new_id
from domain.ledger.accounts import citizen_account_id
from domain.ledger.chain import GENESIS
from domain.methodology.book import load_book
from domain.points.expiry import expiry_for
from domain.trips.accounts import account_hash, lock_citizen_accounts
from domain.trips.crediting import assess, credit
from domain.trips.draft import TripDraft
from domain.trips.model import Mode, Reason, Status, TripRecord
from domain.trips.pending import credit_pending
from tests.fakes import FakeUnitOfWork
from tests.fakes.builders import PROTECTOR, citizen

OP = "op-metro"
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)  # 20:00 in Shanghai
MORNING = datetime(2026, 3, 10, 0, 30, tzinfo=UTC)  # 08:30 the same Shanghai day
CONSENT = NOW - timedelta(days=30)
TEN_KM = 468  # points: 10 km x (120.0 - 73.2) g/pkm, 1 g a point


def trip(ext: str, ended_at: datetime, *, km: int = 10, account: str = "card-1") -> TripRecord:
    return TripRecord(
        external_trip_id=ext,
        external_account=account,
        mode=Mode.METRO,
        started_at=ended_at - timedelta(minutes=20),
        ended_at=ended_at,
        distance_m=km * 1000,
    )


def draft(record: TripRecord, citizen_id: str | None, received_at: datetime = NOW) -> TripDraft:
    return TripDraft(
        id=new_id(),
        operator_id=OP,
        record=record,
        account_hash=account_hash(PROTECTOR, OP, record.external_account),
        received_at=received_at,
        citizen_id=citizen_id,
        consent_given_at=CONSENT if citizen_id else None,
    )


async def decide(uow: FakeUnitOfWork, drafts: list[TripDraft], now: datetime = NOW) -> set[str]:
    """What an ingest pass does with decided drafts: rules, locks, credit, store."""
    book = await load_book(uow)
    candidates = [d for d in drafts if assess(d, book, now)]
    citizens = sorted({d.citizen_id for d in candidates})
    accounts = await lock_citizen_accounts(uow, citizens, now)
    return await credit(uow, candidates, accounts, now, new_trips=drafts)


def hourly(n: int, *, km: int = 10) -> list[TripRecord]:
    return [trip(f"t{i}", MORNING + timedelta(minutes=40 * i), km=km) for i in range(n)]


async def test_credited_trips_extend_the_citizens_chain() -> None:
    uow = FakeUnitOfWork()
    cid = citizen(uow, consent_at=CONSENT)
    drafts = [draft(r, cid) for r in hourly(2)]
    assert await decide(uow, drafts) == {d.id for d in drafts}
    assert [(d.status, d.points, d.reduction_g) for d in drafts] == [
        (Status.CREDITED, TEN_KM, TEN_KM)
    ] * 2
    first, second = uow.ledger.chain(citizen_account_id(cid))
    assert (first.seq, first.prev_hash, first.balance_after) == (1, GENESIS, TEN_KM)
    assert (second.seq, second.prev_hash, second.balance_after) == (2, first.hash, 2 * TEN_KM)
    assert (first.kind, first.debit_account, first.trip_id) == (
        "earn",
        "sys:issuance",
        drafts[0].id,
    )
    assert first.trip_fingerprint == drafts[0].fingerprint
    assert uow.ledger.lots_by_key[(citizen_account_id(cid), expiry_for(NOW))].earned == 2 * TEN_KM
    stored = uow.trips.rows[drafts[0].id]
    assert (stored.status, stored.methodology_code, stored.methodology_version) == (
        "credited",
        "NJ-GT",
        1,
    )
    assert uow.ledger.problems() == []


async def test_an_event_per_credited_trip_is_published_after_commit() -> None:
    uow = FakeUnitOfWork()
    cid = citizen(uow, consent_at=CONSENT)
    drafts = [draft(r, cid) for r in hourly(2)]
    drafts.append(draft(trip("short", MORNING + timedelta(hours=3), km=0), cid))
    async with uow.transaction():
        await decide(uow, drafts)
        assert uow.published == []
    assert drafts[2].reason is Reason.ZERO_DISTANCE
    assert uow.published_named("points.credited") == [
        {"trip_id": drafts[0].id, "points": TEN_KM, "balance": TEN_KM},
        {"trip_id": drafts[1].id, "points": TEN_KM, "balance": 2 * TEN_KM},
    ]
    assert {e.channel for e in uow.published} == {f"citizen:{cid}"}


async def test_the_eleventh_trip_of_a_day_is_capped() -> None:
    uow = FakeUnitOfWork()
    cid = citizen(uow, consent_at=CONSENT)
    drafts = [draft(r, cid) for r in hourly(11, km=2)]
    await decide(uow, drafts)
    assert [d.status for d in drafts] == [Status.CREDITED] * 10 + [Status.CAPPED]
    assert (drafts[10].reason, drafts[10].points) == (Reason.DAILY_TRIP_CAP, 0)
    day = await uow.ledger.day(cid, drafts[0].day)
    assert (day.trips, day.points) == (10, 10 * 93)
    assert uow.trips.rows[drafts[10].id].status == "capped"


async def test_the_trip_cap_counts_what_earlier_batches_credited() -> None:
    uow = FakeUnitOfWork()
    cid = citizen(uow, consent_at=CONSENT)
    trips = hourly(11, km=2)
    await decide(uow, [draft(r, cid) for r in trips[:10]])
    last = draft(trips[10], cid)
    await decide(uow, [last])
    assert (last.status, last.reason) == (Status.CAPPED, Reason.DAILY_TRIP_CAP)
    assert uow.ledger.balance(citizen_account_id(cid)) == 10 * 93


async def test_the_trip_crossing_the_points_cap_earns_the_remainder() -> None:
    uow = FakeUnitOfWork()
    cid = citizen(uow, consent_at=CONSENT)
    drafts = [draft(r, cid) for r in hourly(8)]
    await decide(uow, drafts)
    assert [d.points for d in drafts] == [TEN_KM] * 6 + [3000 - 6 * TEN_KM, 0]
    assert drafts[6].status is Status.CREDITED
    assert (drafts[7].status, drafts[7].reason) == (Status.CAPPED, Reason.DAILY_POINTS_CAP)
    assert uow.ledger.balance(citizen_account_id(cid)) == 3000
    assert drafts[6].reduction_g == TEN_KM  # the grams are the trip's, whatever the points


async def test_a_trip_overlapping_a_credited_one_is_rejected() -> None:
    uow = FakeUnitOfWork()
    cid = citizen(uow, consent_at=CONSENT)
    await decide(uow, [draft(trip("a", MORNING), cid)])
    overlapping = draft(trip("b", MORNING + timedelta(minutes=10), account="card-2"), cid)
    touching = draft(trip("c", MORNING + timedelta(minutes=20), account="card-2"), cid)
    await decide(uow, [overlapping, touching])
    assert (overlapping.status, overlapping.reason, overlapping.points) == (
        Status.REJECTED,
        Reason.OVERLAP,
        0,
    )
    assert touching.status is Status.CREDITED  # ends meeting is no overlap
    assert uow.ledger.balance(citizen_account_id(cid)) == 2 * TEN_KM


async def test_overlap_within_one_batch_keeps_the_first() -> None:
    uow = FakeUnitOfWork()
    cid = citizen(uow, consent_at=CONSENT)
    first = draft(trip("a", MORNING), cid)
    second = draft(trip("b", MORNING + timedelta(minutes=5), account="card-2"), cid)
    await decide(uow, [second, first])
    assert (first.status, second.reason) == (Status.CREDITED, Reason.OVERLAP)


async def test_unbound_and_unconsented_trips_earn_nothing() -> None:
    uow = FakeUnitOfWork()
    cid = citizen(uow, consent_at=CONSENT)
    unbound = draft(trip("a", MORNING), None)
    early = draft(trip("b", MORNING + timedelta(hours=1)), cid)
    early.consent_given_at = NOW  # consent after the trip
    await decide(uow, [unbound, early])
    assert (unbound.status, unbound.reason) == (Status.PENDING, Reason.UNBOUND)
    assert (early.status, early.reason) == (Status.REJECTED, Reason.NO_CONSENT)
    assert uow.ledger.postings == []
    assert {t.status for t in uow.trips.rows.values()} == {"pending", "rejected"}


async def store_pending(uow: FakeUnitOfWork, record: TripRecord, received_at: datetime) -> str:
    d = draft(record, None, received_at)
    await decide(uow, [d], received_at)
    assert d.status is Status.PENDING
    return d.id


async def test_pending_trips_linked_in_time_are_credited_and_late_ones_lapse() -> None:
    uow = FakeUnitOfWork()
    old_at = NOW - timedelta(days=6)
    old = await store_pending(uow, trip("old", old_at - timedelta(hours=1)), old_at)
    recent = await store_pending(uow, trip("recent", MORNING), NOW)
    cid = citizen(uow, consent_at=CONSENT)
    linked_at = NOW + timedelta(days=2)  # 8 days after the old trip, 2 after the recent one
    hashed = account_hash(PROTECTOR, OP, "card-1")
    decided = await credit_pending(uow, OP, hashed, cid, linked_at)
    assert {d.id: (d.status, d.reason) for d in decided} == {
        old: (Status.REJECTED, Reason.UNBOUND),
        recent: (Status.CREDITED, None),
    }
    stored = uow.trips.rows[recent]
    assert (stored.status, stored.citizen_id, stored.points) == ("credited", cid, TEN_KM)
    assert uow.trips.rows[old].status == "rejected"
    assert uow.ledger.balance(citizen_account_id(cid)) == TEN_KM
    assert uow.events[-1].payload == {"trip_id": recent, "points": TEN_KM, "balance": TEN_KM}
    assert await credit_pending(uow, OP, hashed, cid, linked_at) == []  # nothing pending now
    assert uow.ledger.problems() == []
