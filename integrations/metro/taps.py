"""Raw metro taps -> journeys (pure: no I/O, no database).

A tap is `{external_account, tap: "in"|"out", station, time, device?}`. Taps arrive in any order:
a gate that uploads late sends a tap-out before its tap-in reaches us, or a tap-in after the next
journey. So each account's taps (this batch's and those still waiting from earlier batches) are
put in time order, and a tap-out pairs with the tap just before it when that is a tap-in at most
`max_open` (4 h) earlier. A tap is taken once: the same tap uploaded again counts once.

A tap left unpaired waits, in whichever direction, for a later batch to bring its pair: it is
handed back in `waiting` with the time of its nearest neighbour on its pair's side (the next tap
after a tap-in, the previous one before a tap-out), since its pair must come between the two. It
waits while it is at most `max_open` from `now`; then a tap-in has expired and a tap-out is an
orphan. At most `max_waiting` taps of an account wait, the newest; the others are given up too.
The journey id comes from the tap-in alone, so the same journey gets the same id whichever order
its taps came in, and a replay is a duplicate.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import msgspec

from domain.trips.model import BadRecord, Mode, TripRecord
from domain.trips.readers import HeldTap, ReadContext, Reading, TapSummary
from integrations.metro.journeys import AwareTime, Code, Id, StationNetwork, metro_distance
from integrations.records import BadField, Text, utc

MAX_OPEN = timedelta(hours=4)
MAX_WAITING = 8  # unpaired taps kept per account (a rider taps a few times in 4 h)

Direction = Literal["in", "out"]


class Tap(msgspec.Struct, frozen=True):
    external_account: str
    direction: Direction
    station: str
    time: datetime  # aware, UTC
    device: str | None = None
    neighbour_at: datetime | None = None  # a waiting tap's neighbour on its pair's side


class _TapRecord(msgspec.Struct, frozen=True):
    external_account: Id
    tap: Direction
    station: Code
    time: AwareTime
    device: Text | None = None


class Pairing(msgspec.Struct):
    journeys: list[tuple[Tap, Tap]] = msgspec.field(default_factory=list)  # (in, out)
    waiting: list[Tap] = msgspec.field(default_factory=list)  # unpaired, kept for later batches
    expired: list[Tap] = msgspec.field(default_factory=list)  # tap-ins that got no tap-out
    orphans: list[Tap] = msgspec.field(default_factory=list)  # tap-outs that got no tap-in

    def count_waiting(self, direction: Direction) -> int:
        return sum(t.direction == direction for t in self.waiting)


def read_taps(records: list[object]) -> list[Tap | BadRecord]:
    """One output per record, in input order; an unreadable record becomes a BadRecord."""
    out: list[Tap | BadRecord] = []
    for index, record in enumerate(records):
        try:
            tap = msgspec.convert(record, _TapRecord)
            time = utc(tap.time, "time")
        except (msgspec.ValidationError, BadField) as exc:
            out.append(BadRecord(index=index, external_trip_id=None, detail=str(exc)))
            continue
        out.append(
            Tap(
                external_account=tap.external_account,
                direction=tap.tap,
                station=tap.station,
                time=time,
                device=tap.device,
            )
        )
    return out


def pair(
    held: Sequence[Tap],
    taps: Sequence[Tap],
    now: datetime,
    max_open: timedelta = MAX_OPEN,
    max_waiting: int = MAX_WAITING,
) -> Pairing:
    """Pair this batch's taps with each other and with the taps waiting from earlier batches.

    Accounts are handled in order of first appearance in `taps`, then the remaining accounts of
    `held`; within an account, by time (a tap-in before a tap-out at the same instant). A tap is
    known by its account, direction, station and time: seen twice (a waiting tap replayed, a
    repeated record), it counts once, as it was first seen.
    """
    per_account: dict[str, dict[tuple[str, str, datetime], Tap]] = {
        t.external_account: {} for t in taps
    }
    for tap in (*held, *taps):
        per_account.setdefault(tap.external_account, {}).setdefault(
            (tap.direction, tap.station, tap.time), tap
        )
    result = Pairing()
    for known in per_account.values():
        ordered = sorted(known.values(), key=lambda t: (t.time, t.direction != "in"))
        unpaired = _pair_account(ordered, max_open, result.journeys)
        fresh = [t for t in unpaired if abs(now - t.time) <= max_open]
        kept = set(fresh[-max_waiting:])
        for tap in unpaired:
            if tap in kept:
                result.waiting.append(tap)
            elif tap.direction == "in":
                result.expired.append(tap)
            else:
                result.orphans.append(tap)
    return result


def _pair_account(
    ordered: list[Tap], max_open: timedelta, journeys: list[tuple[Tap, Tap]]
) -> list[Tap]:
    """Pair one account's taps, in time order, each tap-out with the tap-in just before it;
    returns the unpaired taps, each with its neighbour on its pair's side."""
    unpaired: list[Tap] = []
    k = 0
    while k < len(ordered):
        tap = ordered[k]
        after = ordered[k + 1] if k + 1 < len(ordered) else None
        if after is not None and _pairs(tap, after, max_open):
            journeys.append((tap, after))
            k += 2
            continue
        if tap.direction == "in":
            unpaired.append(_neighboured(tap, after, min))
        else:
            unpaired.append(_neighboured(tap, ordered[k - 1] if k else None, max))
        k += 1
    return unpaired


def _pairs(tap_in: Tap, tap_out: Tap, max_open: timedelta) -> bool:
    return (
        tap_in.direction == "in"
        and tap_out.direction == "out"
        and tap_out.time - tap_in.time <= max_open
        and (tap_in.neighbour_at is None or tap_out.time <= tap_in.neighbour_at)
        and (tap_out.neighbour_at is None or tap_in.time >= tap_out.neighbour_at)
    )


def _neighboured(tap: Tap, neighbour: Tap | None, nearer: Callable[..., datetime]) -> Tap:
    """The tap with its neighbour on its pair's side, the nearer of the known and this one."""
    if neighbour is None:
        return tap
    at = neighbour.time if tap.neighbour_at is None else nearer(tap.neighbour_at, neighbour.time)
    return msgspec.structs.replace(tap, neighbour_at=at)


def journey_id(tap_in: Tap) -> str:
    """A stable trip id for the journey starting at this tap-in (replays give the same id)."""
    key = "\x00".join(
        (tap_in.external_account, tap_in.station, tap_in.time.astimezone(UTC).isoformat())
    )
    return "tap-" + hashlib.sha256(key.encode()).hexdigest()[:32]


def journey_record(tap_in: Tap, tap_out: Tap, network: StationNetwork) -> TripRecord:
    """The trip of a paired tap-in and tap-out (same distance rules as journey records)."""
    distance, reason, detail = metro_distance(network, tap_in.station, tap_out.station)
    return TripRecord(
        external_trip_id=journey_id(tap_in),
        external_account=tap_in.external_account,
        mode=Mode.METRO,
        started_at=tap_in.time.astimezone(UTC),
        ended_at=tap_out.time.astimezone(UTC),
        distance_m=distance,
        origin=tap_in.station,
        destination=tap_out.station,
        reason=reason,
        detail=detail,
    )


class TapReader:
    """Format `metro-taps`: raw taps, paired per account in time order across batches, whatever
    order they come in; the taps still waiting are kept by the platform between batches (the
    ReadContext)."""

    async def read(self, ctx: ReadContext, records: list[Any]) -> Reading:
        network = await ctx.network()
        read = read_taps(records)
        taps = [t for t in read if isinstance(t, Tap)]
        bad = [b for b in read if isinstance(b, BadRecord)]
        accounts = list(dict.fromkeys(t.external_account for t in taps))
        held = [Tap(**msgspec.structs.asdict(h)) for h in await ctx.held_taps(accounts)]
        pairing = pair(held, taps, ctx.now)
        ctx.keep_taps(accounts, [HeldTap(**msgspec.structs.asdict(t)) for t in pairing.waiting])
        journeys = [journey_record(i, o, network) for i, o in pairing.journeys]
        return Reading(
            items=[*journeys, *bad],
            taps=TapSummary(
                received=len(records),
                invalid=len(bad),
                journeys=len(journeys),
                open=pairing.count_waiting("in"),
                waiting_out=pairing.count_waiting("out"),
                expired=len(pairing.expired),
                orphans=len(pairing.orphans),
            ),
        )
