"""A batch in passes: store each trip once, decide it, credit it — a few statements per pass.

`prepare` does everything that needs no lock; each `settle` locks the citizens' accounts it can,
credits them and stores their trips; `outcome` gives a result per record once every pass ran.
The ingest use case (ingest.py) strings them together and commits between passes.
"""

from __future__ import annotations

from datetime import datetime

import msgspec

from domain.crypto import DataProtector
from domain.errors import Conflict
from domain.ids import new_id
from domain.ledger.accounts import citizen_account_id
from domain.methodology.book import load_book
from domain.persistence.uow import UnitOfWork
from domain.trips import crediting
from domain.trips.accounts import account_hash, lock_citizen_accounts
from domain.trips.draft import TripDraft
from domain.trips.model import BadRecord, Reason, Status, TripRecord, unstorable


class RecordResult(msgspec.Struct):
    external_trip_id: str | None
    status: str
    reason: str | None
    trip_id: str | None
    points: int
    detail: str | None = None


class BatchOutcome(msgspec.Struct):
    results: list[RecordResult]
    summary: dict[str, int]


class ConcurrentTwin(Conflict):
    """Another request stored one of these trips between our check and our insert; retry."""

    code = "concurrent_batch"


class Batch:
    """A batch between its passes: what is decided so far, what still waits for locks."""

    def __init__(self, items: list[TripRecord | BadRecord]) -> None:
        self.results: list[RecordResult | None] = [None] * len(items)
        self.items = items
        self.drafts: dict[str, TripDraft] = {}
        self.twins: list[tuple[int, str]] = []  # the same trip twice in one batch
        self.existing: dict = {}  # external id -> outcome stored before us
        self.fresh: list[TripDraft] = []  # new trips still to store
        self.candidates: list[TripDraft] = []  # new trips that may be credited
        self.inserted: set[str] = set()

    @property
    def deferred(self) -> bool:
        return bool(self.fresh)


async def prepare(
    uow: UnitOfWork,
    protector: DataProtector,
    operator_id: str,
    items: list[TripRecord | BadRecord],
    now: datetime,
) -> Batch:
    """Everything that needs no lock: parse, replay filter, bindings, consents, per-trip rules."""
    batch = Batch(items)
    drafts = batch.drafts
    for i, item in enumerate(items):
        problem = item.detail if isinstance(item, BadRecord) else unstorable(item)
        if problem is not None:
            batch.results[i] = RecordResult(
                item.external_trip_id,
                Status.REJECTED.value,
                Reason.INVALID_RECORD.value,
                None,
                0,
                problem,
            )
        elif item.external_trip_id in drafts:
            batch.twins.append((i, item.external_trip_id))
        else:
            drafts[item.external_trip_id] = TripDraft(
                id=new_id(),
                operator_id=operator_id,
                record=item,
                account_hash=account_hash(protector, operator_id, item.external_account),
                received_at=now,
            )

    linked = await uow.bindings.citizens_of_accounts(
        operator_id, (d.account_hash for d in drafts.values())
    )
    for d in drafts.values():
        d.citizen_id = linked.get(d.account_hash)
    batch.existing = await uow.trips.existing(operator_id, drafts)
    batch.fresh = [d for d in drafts.values() if d.record.external_trip_id not in batch.existing]
    consents = await uow.citizens.consents(
        sorted({d.citizen_id for d in batch.fresh if d.citizen_id})
    )
    for d in batch.fresh:
        if d.citizen_id is not None:
            d.consent_given_at = consents.get(d.citizen_id)
    book = await load_book(uow)
    batch.candidates = [d for d in batch.fresh if crediting.assess(d, book, now)]
    return batch


async def settle(
    uow: UnitOfWork, batch: Batch, operator_id: str, now: datetime, *, skip_locked: bool = False
) -> None:
    """Lock the citizens' accounts, credit, store the new trips; from here to commit the locks
    are held, so this part is short.

    With `skip_locked`, citizens whose accounts another transaction holds are left for a later
    pass (their trips stay in `batch.fresh`): the rest commits without waiting in line behind
    a batch that merely shares a few citizens."""
    candidates = batch.candidates
    citizens = sorted({d.citizen_id for d in candidates})
    accounts = await lock_citizen_accounts(uow, citizens, now, skip_locked=skip_locked)
    later = [d for d in candidates if citizen_account_id(d.citizen_id) not in accounts]
    fresh = batch.fresh
    if later:
        candidates = [d for d in candidates if citizen_account_id(d.citizen_id) in accounts]
        waiting = {d.id for d in later}
        fresh = [d for d in fresh if d.id not in waiting]
    if candidates:  # a concurrent batch may have stored some of them before we got the locks
        late = await uow.trips.existing(
            operator_id, (d.record.external_trip_id for d in candidates)
        )
        if late:
            batch.existing |= late
            fresh = [d for d in fresh if d.record.external_trip_id not in late]
            candidates = [d for d in candidates if d.record.external_trip_id not in late]
    inserted = await crediting.credit(uow, candidates, accounts, now, new_trips=fresh)
    if any(d.id not in inserted and d.status is Status.CREDITED for d in fresh):
        raise ConcurrentTwin("a concurrent request stored the same trips; send the batch again")
    batch.inserted |= inserted
    batch.fresh = later
    batch.candidates = later


def outcome(batch: Batch) -> BatchOutcome:
    """A result per record, once every pass has run."""
    results = batch.results
    for i, item in enumerate(batch.items):
        if results[i] is not None:
            continue
        ext = item.external_trip_id
        if ext in batch.existing:
            t = batch.existing[ext]
            results[i] = RecordResult(
                ext,
                Status.DUPLICATE.value,
                Reason.DUPLICATE.value,
                t.id,
                t.points,
                f"stored as {t.status}",
            )
            continue
        d = batch.drafts[ext]
        if d.id not in batch.inserted:  # lost the race for a non-credited trip: a duplicate too
            results[i] = RecordResult(
                ext,
                Status.DUPLICATE.value,
                Reason.DUPLICATE.value,
                None,
                0,
                "stored by a concurrent request",
            )
            continue
        results[i] = RecordResult(
            ext, d.status.value, d.reason.value if d.reason else None, d.id, d.points
        )
    for i, ext in batch.twins:
        first = next(r for r in results if r is not None and r.external_trip_id == ext)
        results[i] = RecordResult(
            ext,
            Status.DUPLICATE.value,
            Reason.DUPLICATE.value,
            first.trip_id,  # the stored trip, whichever request stored it
            0,
            "repeated within the batch",
        )
    final = [r for r in results if r is not None]
    return BatchOutcome(results=final, summary=summarize(final))


def summarize(results: list[RecordResult]) -> dict[str, int]:
    summary = dict.fromkeys(("credited", "duplicate", "rejected", "capped", "pending"), 0)
    for r in results:
        summary[r.status] = summary.get(r.status, 0) + 1
    return summary
