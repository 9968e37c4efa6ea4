"""Reading an operator's batch with the adapter for its kind, then handing it to the domain.

This is the composition point between integrations/ (formats) and domain/ (rules): no SQL and no
crediting rule lives here, only which adapter reads which envelope.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from api.events import publish
from api.services import Services
from domain.errors import InvalidInput
from domain.persistence.tables import Operator
from domain.persistence.uow import UnitOfWork
from domain.trips import ingest
from domain.trips.ingest import MAX_BATCH, BatchOutcome, account_hash
from domain.trips.model import BadRecord, TripRecord
from integrations.bikeshare.mds import read_mds_trips
from integrations.bus.boardings import read_boardings
from integrations.metro.journeys import read_journeys
from integrations.metro.taps import Tap, journey_record, pair, read_taps


class TapSummary(msgspec.Struct):
    received: int
    invalid: int
    journeys: int
    open: int
    expired: int
    orphans: int


class FeedOutcome(BatchOutcome):
    taps: TapSummary | None = None


MAX_PASSES = 8  # non-waiting passes after the first, before one that waits


def envelope(body: Any) -> tuple[str, list[Any]]:
    """("trips" | "taps", records) from the request body; malformed envelopes are 4xx."""
    if not isinstance(body, dict) or len(body) != 1 or not ({"trips", "taps"} & body.keys()):
        raise InvalidInput('send {"trips": [...]} or {"taps": [...]}', code="invalid_envelope")
    ((kind, records),) = body.items()
    if not isinstance(records, list):
        raise InvalidInput(f'"{kind}" must be a list', code="invalid_envelope")
    if len(records) > MAX_BATCH:
        raise InvalidInput(f"at most {MAX_BATCH} records per batch", code="batch_too_large")
    return kind, records


async def handle_batch(
    uow: UnitOfWork, services: Services, operator: Operator, body: Any, now: datetime
) -> FeedOutcome:
    kind, records = envelope(body)
    if kind == "taps":
        if operator.kind != "metro":
            raise InvalidInput("raw taps are for metro operators", code="invalid_envelope")
        return await _taps(uow, services, operator, records, now)
    items = await read_records(uow, services, operator, records)
    if services.db.engine.dialect.name == "postgresql":
        outcome = await in_passes(services, operator.id, items, now)
    else:  # SQLite has one writer at a time: the request's own transaction does it all
        outcome = await ingest.ingest(uow, services.protector, operator.id, items, now)
    return FeedOutcome(results=outcome.results, summary=outcome.summary)


async def in_passes(
    services: Services, operator_id: str, items: list[Any], now: datetime
) -> BatchOutcome:
    """A batch in passes, each its own transaction. A pass credits every citizen whose account
    is free and stores their new trips, skipping (not waiting for) accounts that a concurrent
    batch holds; it commits and its events go out. Passes repeat while they make progress; when
    one finds every remaining account held, a last pass waits for them. Two batches that share
    a few citizens thus no longer queue behind each other whole.

    Should a later pass fail, the earlier ones are stored: the operator sends the batch again
    and gets their trips' stored outcomes as duplicates."""
    async with services.db.unit_of_work() as uow:
        batch = await ingest.prepare(uow, services.protector, operator_id, items, now)
        await ingest.settle(uow, batch, operator_id, now, skip_locked=True)
    await publish(services.channels, services.redis, uow.events)

    async def settle(*, skip_locked: bool) -> None:
        async with services.db.unit_of_work() as uow:
            await ingest.settle(uow, batch, operator_id, now, skip_locked=skip_locked)
        await publish(services.channels, services.redis, uow.events)

    for _ in range(MAX_PASSES):
        if not batch.deferred:
            break
        waiting = len(batch.fresh)
        await settle(skip_locked=True)
        if len(batch.fresh) == waiting:  # every remaining account is held: wait for them
            break
    if batch.deferred:
        await settle(skip_locked=False)
    return ingest.outcome(batch)


async def read_records(
    uow: UnitOfWork, services: Services, operator: Operator, records: list[Any]
) -> list[TripRecord | BadRecord]:
    if operator.kind == "bikeshare":
        return read_mds_trips(records)
    network = await services.networks.get(uow, operator.id)
    if network is None:
        raise InvalidInput("import this operator's network first", code="network_missing")
    if operator.kind == "bus":
        return read_boardings(records, network)
    return read_journeys(records, network)


async def _taps(
    uow: UnitOfWork, services: Services, operator: Operator, records: list[Any], now: datetime
) -> FeedOutcome:
    network = await services.networks.get(uow, operator.id)
    if network is None:
        raise InvalidInput("import this operator's network first", code="network_missing")
    read = read_taps(records)
    taps = [t for t in read if isinstance(t, Tap)]
    bad = [b for b in read if isinstance(b, BadRecord)]
    hashes = {
        t.external_account: account_hash(services.protector, operator.id, t.external_account)
        for t in taps
    }
    by_hash = {h: a for a, h in hashes.items()}
    stored = await uow.trips.open_taps(operator.id, hashes.values())
    open_map = {
        by_hash[row.account_hash]: Tap(
            external_account=by_hash[row.account_hash],
            direction="in",
            station=row.station,
            time=row.tapped_at,
            device=row.device,
        )
        for row in stored
    }
    pairing = pair(open_map, taps, now)
    journeys = [journey_record(i, o, network) for i, o in pairing.journeys]
    await uow.trips.replace_open_taps(
        operator.id,
        hashes.values(),
        [
            {
                "operator_id": operator.id,
                "account_hash": hashes[a],
                "station": t.station,
                "tapped_at": t.time,
                "device": t.device,
            }
            for a, t in sorted(pairing.still_open.items())
        ],
    )
    outcome = await ingest.ingest(uow, services.protector, operator.id, [*journeys, *bad], now)
    return FeedOutcome(
        results=outcome.results,
        summary=outcome.summary,
        taps=TapSummary(
            received=len(records),
            invalid=len(bad),
            journeys=len(journeys),
            open=len(pairing.still_open),
            expired=len(pairing.expired),
            orphans=len(pairing.orphans),
        ),
    )
