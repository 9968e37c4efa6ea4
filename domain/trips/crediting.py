"""Deciding trips: methodology and rules per trip, then overlap, caps and ledger per citizen.

Shared by the feed (new trips) and by account linking (pending trips credited retroactively).
The caller has locked the citizens' ledger accounts, so decisions for one citizen never race.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime

from domain.ledger.accounts import AccountState, citizen_account_id
from domain.ledger.postings import chained_row
from domain.methodology.book import MethodologyBook
from domain.methodology.formula import points_for, reduction_g
from domain.persistence.uow import UnitOfWork
from domain.points.expiry import expiry_for
from domain.trips.caps import DayTally, apply_caps
from domain.trips.draft import TripDraft
from domain.trips.model import Reason, Status
from domain.trips.rules import check, credited_distance_m, overlaps

ISSUANCE = "sys:issuance"
_LONG_AGO = datetime(1970, 1, 1, tzinfo=UTC)  # "consent" used to judge an unbound trip's rules


def assess(draft: TripDraft, book: MethodologyBook, now: datetime) -> bool:
    """Apply the per-trip rules. True if the trip may be credited (caps and overlap decide)."""
    rec = draft.record
    draft.distance_m = rec.distance_m
    if rec.reason is not None:
        draft.decide(Status.REJECTED, rec.reason, now)
        return False
    version = book.at(rec.ended_at)
    if version is None:
        draft.decide(Status.REJECTED, Reason.NO_METHODOLOGY, now)
        return False
    draft.methodology_code, draft.methodology_version = version.code, version.version
    consent = draft.consent_given_at if draft.citizen_id else _LONG_AGO
    reason = check(rec, version.params, received_at=draft.received_at, consent_given_at=consent)
    if reason is not None:
        draft.decide(Status.REJECTED, reason, now)
        return False
    mode = version.params.for_mode(rec.mode)
    draft.distance_m = credited_distance_m(rec, mode)
    if draft.citizen_id is None:
        draft.decide(Status.PENDING, Reason.UNBOUND, now)
        return False
    draft.reduction_g = reduction_g(draft.distance_m, mode)
    draft.points = points_for(draft.reduction_g, version.params.points)
    draft.points_rule = version.params.points
    return True


async def credit(
    uow: UnitOfWork,
    drafts: list[TripDraft],
    accounts: dict[str, AccountState],
    now: datetime,
    new_trips: list[TripDraft] | None = None,
) -> set[str]:
    """Overlap and daily caps per citizen, then the postings, lots and day counters, written
    together with `new_trips` (all decided by now) in one go. Returns the trip ids inserted."""
    if not drafts:
        rows = [d.row() for d in new_trips or []]
        return await uow.ledger.record_credit([], [], {}, [], rows)
    day_rows = await uow.ledger.days((d.citizen_id, d.day) for d in drafts)
    tallies: dict[tuple[str, date], DayTally] = {}
    grams: dict[tuple[str, date], int] = {}
    for key, row in day_rows.items():
        tallies[key] = DayTally(trips=row.trips, points=row.points)
        grams[key] = row.reduction_g
    spans: dict[str, tuple[datetime, datetime]] = {}
    for d in drafts:
        lo, hi = spans.get(d.citizen_id, (d.record.started_at, d.record.ended_at))
        spans[d.citizen_id] = (min(lo, d.record.started_at), max(hi, d.record.ended_at))
    busy: dict[str, list[tuple[datetime, datetime]]] = defaultdict(list)
    for citizen, start, end in await uow.trips.credited_overlapping(spans):
        busy[citizen].append((start, end))

    postings, lots = [], defaultdict(int)
    expires_at = expiry_for(now)
    for d in sorted(
        drafts, key=lambda d: (d.citizen_id, d.record.ended_at, d.record.external_trip_id)
    ):
        rec, citizen = d.record, d.citizen_id
        if any(overlaps(rec.started_at, rec.ended_at, s, e) for s, e in busy[citizen]):
            d.reduction_g = 0
            d.decide(Status.REJECTED, Reason.OVERLAP, now)
            continue
        key = (citizen, d.day)
        tally = tallies.setdefault(key, DayTally())
        assert d.points_rule is not None  # set by assess() for every candidate
        awarded, status, reason = apply_caps(d.points, tally, d.points_rule)
        d.points = awarded
        d.decide(status, reason, now)
        if status is not Status.CREDITED:
            continue
        busy[citizen].append((rec.started_at, rec.ended_at))
        grams[key] = grams.get(key, 0) + d.reduction_g
        account = accounts[citizen_account_id(citizen)]
        account.reduction_g_total += d.reduction_g
        if awarded > 0:
            postings.append(_earn(account, d, awarded, now))
            lots[(account.id, expires_at)] += awarded
            uow.emit(
                f"citizen:{citizen}",
                "points.credited",
                {"trip_id": d.id, "points": awarded, "balance": account.balance},
            )

    days = [
        {
            "citizen_id": c,
            "day": day,
            "trips": t.trips,
            "points": t.points,
            "reduction_g": grams.get((c, day), 0),
        }
        for (c, day), t in tallies.items()
    ]
    return await uow.ledger.record_credit(
        postings, accounts.values(), dict(lots), days, [d.row() for d in new_trips or []]
    )


def _earn(account: AccountState, d: TripDraft, amount: int, now: datetime) -> dict:
    """An `earn` posting issuance -> citizen, chained onto the citizen's account."""
    row = chained_row(
        account,
        kind="earn",
        delta=amount,
        counter_account=ISSUANCE,
        key=f"earn:{d.id}",
        ref=d.record.external_trip_id[:64],
        now=now,
        trip_id=d.id,
        trip_fingerprint=d.fingerprint,
    )
    return row
