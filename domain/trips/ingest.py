"""The one ingest use case: a batch of an operator's records, in any registered format, to trips,
points and events. Every entry point calls it: pushed journeys, raw taps, MDS trips and bus
boardings (`ingest_pushed`), and each page of a pulled hour (`ingest_records`).

The batch commits in passes (see passes.py): each pass credits the citizens whose accounts are
free and commits as a stage of the caller's unit of work, so its events go out at once; passes
repeat while they progress, and a last one waits for the accounts other batches still hold. On
SQLite, where a transaction holds the one write lock, the first pass takes every account and the
batch is a single transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from domain.crypto import DataProtector
from domain.errors import InvalidInput
from domain.network.graph import Network
from domain.network.service import NetworkCache
from domain.persistence.uow import UnitOfWork
from domain.trips import passes
from domain.trips.accounts import account_hash
from domain.trips.passes import BatchOutcome
from domain.trips.readers import FeedReaders, Format, HeldTap, TapDirection, TapSummary

MAX_BATCH = 1000
MAX_PASSES = 8  # non-waiting passes after the first, before one that waits


class FeedOutcome(BatchOutcome):
    taps: TapSummary | None = None


@dataclass(frozen=True)
class Intake:
    """What ingest needs besides a unit of work; built once per process."""

    protector: DataProtector
    networks: NetworkCache
    readers: FeedReaders


async def ingest_pushed(
    uow: UnitOfWork, intake: Intake, operator_id: str, kind: str, body: Any, now: datetime
) -> FeedOutcome:
    """A pushed batch: `{"<envelope>": [records]}`; the envelope and the operator's kind pick
    the format. A malformed envelope is InvalidInput; a bad record never fails the batch."""
    if not isinstance(body, dict) or len(body) != 1:
        raise InvalidInput('send {"trips": [...]} or {"taps": [...]}', code="invalid_envelope")
    ((envelope, records),) = body.items()
    fmt = intake.readers.pushed(kind, envelope)
    if not isinstance(records, list):
        raise InvalidInput(f'"{envelope}" must be a list', code="invalid_envelope")
    return await ingest_records(uow, intake, operator_id, fmt, records, now)


async def ingest_records(
    uow: UnitOfWork,
    intake: Intake,
    operator_id: str,
    fmt: Format,
    records: list[Any],
    now: datetime,
) -> FeedOutcome:
    """At most MAX_BATCH records of one format, read by its adapter and credited in passes."""
    if len(records) > MAX_BATCH:
        raise InvalidInput(f"at most {MAX_BATCH} records per batch", code="batch_too_large")
    ctx = _Context(uow, intake, operator_id, now)
    reading = await fmt.reader.read(ctx, records)
    batch = await passes.prepare(uow, intake.protector, operator_id, reading.items, now)
    await passes.settle(uow, batch, operator_id, now, skip_locked=True)
    for _ in range(MAX_PASSES):
        if not batch.deferred:
            break
        await uow.commit_stage()
        waiting = len(batch.fresh)
        await passes.settle(uow, batch, operator_id, now, skip_locked=True)
        if len(batch.fresh) == waiting:  # every remaining account is held: wait for them
            break
    if batch.deferred:
        await uow.commit_stage()
        await passes.settle(uow, batch, operator_id, now, skip_locked=False)
    # Last, with the last pass: should a pass fail, the taps still wait for the resend.
    await ctx.store_taps()
    done = passes.outcome(batch)
    return FeedOutcome(results=done.results, summary=done.summary, taps=reading.taps)


@dataclass
class _Context:
    """The ReadContext a reader gets: the operator's network, and the raw taps waiting for their
    pair (tap-ins and tap-outs alike)."""

    uow: UnitOfWork
    intake: Intake
    operator_id: str
    now: datetime
    _hashes: dict[str, str] = field(default_factory=dict)
    _kept: list[HeldTap] | None = None

    async def network(self) -> Network:
        network = await self.intake.networks.get(self.uow, self.operator_id)
        if network is None:
            raise InvalidInput("import this operator's network first", code="network_missing")
        return network

    def _hash(self, account: str) -> str:
        if account not in self._hashes:
            self._hashes[account] = account_hash(self.intake.protector, self.operator_id, account)
        return self._hashes[account]

    async def held_taps(self, accounts: Iterable[str]) -> list[HeldTap]:
        by_hash = {self._hash(a): a for a in accounts}
        rows = await self.uow.trips.open_taps(self.operator_id, by_hash)
        return [
            HeldTap(
                external_account=by_hash[r.account_hash],
                direction=cast(TapDirection, r.direction),  # 'in' or 'out', a CHECK says
                station=r.station,
                time=r.tapped_at,
                device=r.device,
                neighbour_at=r.neighbour_at,
            )
            for r in rows
        ]

    def keep_taps(self, accounts: Iterable[str], waiting: Iterable[HeldTap]) -> None:
        for a in accounts:
            self._hash(a)
        self._kept = list(waiting)

    async def store_taps(self) -> None:
        if self._kept is None:
            return
        rows = [
            {
                "operator_id": self.operator_id,
                "account_hash": self._hash(t.external_account),
                "tapped_at": t.time,
                "direction": t.direction,
                "station": t.station,
                "device": t.device,
                "neighbour_at": t.neighbour_at,
            }
            for t in self._kept
        ]
        await self.uow.trips.replace_open_taps(self.operator_id, self._hashes.values(), rows)
