"""Trips of an unlinked account: credited under the rules in force when they ended if the account
is linked in time, lapsed to rejected `unbound` when it is not."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.methodology.book import load_book
from domain.persistence.uow import UnitOfWork
from domain.trips import crediting
from domain.trips.accounts import lock_citizen_accounts
from domain.trips.draft import TripDraft, record_of_stored
from domain.trips.model import Reason, Status

DEFAULT_PENDING_DAYS = 7


async def credit_pending(
    uow: UnitOfWork, operator_id: str, account_hash: str, citizen_id: str, now: datetime
) -> list[TripDraft]:
    """Decide every pending trip of a newly linked account; returns the decided drafts."""
    trips = await uow.trips.pending_for(operator_id, account_hash)
    if not trips:
        return []
    accounts = await lock_citizen_accounts(uow, [citizen_id], now)
    consent = (await uow.citizens.consents([citizen_id])).get(citizen_id)
    book = await load_book(uow)
    drafts, candidates = [], []
    for t in trips:
        d = TripDraft(
            id=t.id,
            operator_id=operator_id,
            record=record_of_stored(
                external_trip_id=t.external_trip_id,
                mode=t.mode,
                started_at=t.started_at,
                ended_at=t.ended_at,
                distance_m=t.distance_m,
                origin=t.origin,
                destination=t.destination,
            ),
            account_hash=account_hash,
            received_at=t.received_at,
            citizen_id=citizen_id,
            consent_given_at=consent,
        )
        version = book.at(t.ended_at)
        days = version.params.pending_days if version else DEFAULT_PENDING_DAYS
        drafts.append(d)
        if now - t.ended_at > timedelta(days=days):
            d.distance_m = t.distance_m
            d.decide(Status.REJECTED, Reason.UNBOUND, now)  # linked too late
        elif crediting.assess(d, book, now):
            candidates.append(d)
    await crediting.credit(uow, candidates, accounts, now)
    await uow.trips.update_outcomes([_outcome(d) for d in drafts])
    return drafts


def _outcome(d: TripDraft) -> dict:
    row = d.row()
    keep = (
        "id",
        "citizen_id",
        "distance_m",
        "reduction_g",
        "points",
        "status",
        "reason",
        "methodology_code",
        "methodology_version",
        "decided_at",
        "fingerprint",
    )
    return {k: row[k] for k in keep}


async def lapse_pending(uow: UnitOfWork, now: datetime) -> int:
    """Pending trips whose linking window has passed become rejected `unbound` (once across
    processes: a database job lock)."""
    if not await uow.jobs.try_lock("lapse-pending"):
        return 0
    return await uow.trips.expire_pending(now - timedelta(days=DEFAULT_PENDING_DAYS), now)
