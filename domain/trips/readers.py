"""The feed port: readers that turn an operator's records into trips, registered by format.

An adapter in integrations/ implements `FeedReader` for one format (metro journeys, raw taps, MDS
trips, bus boardings ...) and is registered under the format's name, with the operator kind and
push envelope it serves. The ingest use case looks the reader up; a new format is a new adapter
module plus one registration (integrations/readers.py), with no edit to a controller.

Readers do no I/O of their own: what they need of the platform (the operator's network, the
pairing state of raw taps) they ask of the `ReadContext` the use case hands them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

import msgspec

from domain.errors import InvalidInput
from domain.network.graph import Network
from domain.trips.model import BadRecord, TripRecord

TapDirection = Literal["in", "out"]


class HeldTap(msgspec.Struct, frozen=True):
    """A raw tap waiting for its pair, as the platform keeps it between batches: a tap-in waiting
    for its tap-out, or a tap-out (its gate uploaded first) waiting for its tap-in.

    `neighbour_at`, once known, is the time of the account's nearest other tap on the side where
    the pair must be (the next tap after a tap-in, the previous one before a tap-out): the pair
    lies between the two, even after that neighbour was paired and forgotten.
    """

    external_account: str
    direction: TapDirection
    station: str
    time: datetime
    device: str | None = None
    neighbour_at: datetime | None = None


class TapSummary(msgspec.Struct):
    """What became of a batch of raw taps, with the taps its accounts had waiting before it."""

    received: int
    invalid: int
    journeys: int
    open: int  # tap-ins waiting for their tap-out
    waiting_out: int  # tap-outs waiting for their tap-in
    expired: int  # tap-ins given up: no tap-out within 4 h
    orphans: int  # tap-outs given up: no tap-in within 4 h


class Reading(msgspec.Struct):
    """What a reader made of a batch: one item per trip (or unreadable record)."""

    items: list[TripRecord | BadRecord]
    taps: TapSummary | None = None


class ReadContext(Protocol):
    """What a reader may ask of the platform while it reads one batch."""

    operator_id: str
    now: datetime

    async def network(self) -> Network:
        """The operator's imported network (InvalidInput `network_missing` if none)."""
        ...

    async def held_taps(self, accounts: Iterable[str]) -> list[HeldTap]:
        """The taps these accounts left waiting for their pair in earlier batches."""
        ...

    def keep_taps(self, accounts: Iterable[str], waiting: Iterable[HeldTap]) -> None:
        """After this batch, these accounts' waiting taps are exactly `waiting`."""
        ...


class FeedReader(Protocol):
    async def read(self, ctx: ReadContext, records: list[Any]) -> Reading: ...


@dataclass(frozen=True)
class Format:
    name: str  # e.g. "metro-journeys", "mds-2.0"
    kind: str  # the operator kind it serves: metro | bikeshare | bus | ...
    reader: FeedReader
    envelope: str | None = None  # the push body's key ("trips", "taps"); None: pull only
    records: str = "trips"  # the path of its hourly export in pull mode


@dataclass
class FeedReaders:
    """The registry: formats by name, and by (operator kind, push envelope)."""

    formats: dict[str, Format] = field(default_factory=dict)

    def register(self, fmt: Format) -> None:
        if fmt.name in self.formats:
            raise ValueError(f"format {fmt.name} is registered twice")
        self.formats[fmt.name] = fmt

    def named(self, name: str, kind: str) -> Format:
        fmt = self.formats.get(name)
        if fmt is None:
            known = ", ".join(sorted(self.formats))
            raise InvalidInput(f"unknown format {name!r}; one of {known}", code="invalid_feed")
        if fmt.kind != kind:
            raise InvalidInput(
                f"format {name} is for {fmt.kind} operators, not {kind}", code="invalid_feed"
            )
        return fmt

    def pushed(self, kind: str, envelope: str) -> Format:
        for fmt in self.formats.values():
            if fmt.kind == kind and fmt.envelope == envelope:
                return fmt
        accepted = sorted(
            f.envelope for f in self.formats.values() if f.kind == kind and f.envelope
        )
        raise InvalidInput(
            f"{kind} operators send {' or '.join(f'{{{e!r}: [...]}}' for e in accepted)}",
            code="invalid_envelope",
        )

    def names_for(self, kind: str) -> list[str]:
        return sorted(n for n, f in self.formats.items() if f.kind == kind)
