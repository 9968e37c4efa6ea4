"""Raw metro taps -> journeys (pure: no I/O, no database).

A tap is `{external_account, tap: "in"|"out", station, time, device?}`. Taps are paired per account
in time order: a tap-out closes the account's open tap-in when it comes at most `max_open` (4 h)
after it. A tap-in that never gets its tap-out expires: when a newer tap-in of the same account
replaces it, or when it is older than `max_open` at the next tap-out or at `now`. Tap-ins still
waiting are handed back as `still_open`, for the caller to keep and pass in with the next batch.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

import msgspec

from domain.trips.model import BadRecord, Mode, TripRecord
from domain.trips.readers import HeldTap, ReadContext, Reading, TapSummary
from integrations.metro.journeys import AwareTime, Code, Id, StationNetwork, metro_distance

MAX_OPEN = timedelta(hours=4)

Direction = Literal["in", "out"]


class Tap(msgspec.Struct, frozen=True):
    external_account: str
    direction: Direction
    station: str
    time: datetime  # aware, UTC
    device: str | None = None


class _TapRecord(msgspec.Struct, frozen=True):
    external_account: Id
    tap: Direction
    station: Code
    time: AwareTime
    device: Annotated[str, msgspec.Meta(max_length=128)] | None = None


class Pairing(msgspec.Struct):
    journeys: list[tuple[Tap, Tap]] = msgspec.field(default_factory=list)  # (in, out)
    still_open: dict[str, Tap] = msgspec.field(default_factory=dict)  # account -> tap-in
    expired: list[Tap] = msgspec.field(default_factory=list)  # tap-ins that lost their pair
    orphans: list[Tap] = msgspec.field(default_factory=list)  # tap-outs without a tap-in


def read_taps(records: list[object]) -> list[Tap | BadRecord]:
    """One output per record, in input order; an unreadable record becomes a BadRecord."""
    out: list[Tap | BadRecord] = []
    for index, record in enumerate(records):
        try:
            tap = msgspec.convert(record, _TapRecord)
        except msgspec.ValidationError as exc:
            out.append(BadRecord(index=index, external_trip_id=None, detail=str(exc)))
            continue
        out.append(
            Tap(
                external_account=tap.external_account,
                direction=tap.tap,
                station=tap.station,
                time=tap.time.astimezone(UTC),
                device=tap.device,
            )
        )
    return out


def pair(
    open_taps: Mapping[str, Tap],
    taps: Sequence[Tap],
    now: datetime,
    max_open: timedelta = MAX_OPEN,
) -> Pairing:
    """Pair this batch's taps with each other and with the accounts' open tap-ins.

    Accounts are handled in order of first appearance in `taps`, then the remaining accounts of
    `open_taps`; within an account, by time (a tap-in before a tap-out at the same instant). A tap
    seen twice (an open tap-in replayed in the batch, or a repeated record) counts once.
    """
    per_account: dict[str, list[Tap]] = {}
    for tap in taps:
        per_account.setdefault(tap.external_account, []).append(tap)
    for account in open_taps:
        per_account.setdefault(account, [])
    result = Pairing()
    for account, batch in per_account.items():
        known = open_taps.get(account)
        merged = list(dict.fromkeys(([known] if known is not None else []) + batch))
        merged.sort(key=lambda t: (t.time, t.direction != "in"))
        current = _pair_account(merged, max_open, result)
        if current is not None:
            if now - current.time > max_open:
                result.expired.append(current)
            else:
                result.still_open[account] = current
    return result


def _pair_account(taps: list[Tap], max_open: timedelta, result: Pairing) -> Tap | None:
    """Walk one account's taps in time order; returns the tap-in left open at the end."""
    current: Tap | None = None
    for tap in taps:
        if tap.direction == "in":
            if current is not None:
                result.expired.append(current)  # replaced by a newer tap-in
            current = tap
        elif current is not None and tap.time - current.time <= max_open:
            result.journeys.append((current, tap))
            current = None
        else:
            if current is not None:
                result.expired.append(current)  # too old to be closed by this tap-out
                current = None
            result.orphans.append(tap)
    return current


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
    """Format `metro-taps`: raw taps, paired per account in time order across batches; the
    tap-ins still waiting are kept by the platform between batches (the ReadContext)."""

    async def read(self, ctx: ReadContext, records: list[Any]) -> Reading:
        network = await ctx.network()
        read = read_taps(records)
        taps = [t for t in read if isinstance(t, Tap)]
        bad = [b for b in read if isinstance(b, BadRecord)]
        accounts = list(dict.fromkeys(t.external_account for t in taps))
        held = await ctx.held_taps(accounts)
        open_taps = {
            a: Tap(
                external_account=a, direction="in", station=h.station, time=h.time, device=h.device
            )
            for a, h in held.items()
        }
        pairing = pair(open_taps, taps, ctx.now)
        ctx.keep_taps(
            accounts,
            [
                HeldTap(external_account=a, station=t.station, time=t.time, device=t.device)
                for a, t in sorted(pairing.still_open.items())
            ],
        )
        journeys = [journey_record(i, o, network) for i, o in pairing.journeys]
        return Reading(
            items=[*journeys, *bad],
            taps=TapSummary(
                received=len(records),
                invalid=len(bad),
                journeys=len(journeys),
                open=len(pairing.still_open),
                expired=len(pairing.expired),
                orphans=len(pairing.orphans),
            ),
        )
