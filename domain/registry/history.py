"""The public view of a range of serials: where its units are now and everything that happened
to them, replayed from the blocks (never edited, only closed and split) and their movements.

A block was made by one movement (`created_by`) and names the block it came from (`parent_id`);
a movement's pieces that landed in its receiving account moved those serials, while the pieces
it left with the sender only narrowed a block and moved nothing. So the history of serials
`a..b` is, oldest first, each movement whose received pieces overlap `a..b`, with the part of
them inside `a..b`.
"""

from __future__ import annotations

import msgspec

from domain.errors import InvalidInput, NotFound
from domain.persistence.tables import Issuance, RegistryMovement, UnitBlock
from domain.persistence.uow import UnitOfWork
from domain.registry.accounts import ISSUED_FROM, RETIRED
from domain.registry.public import prefix_of
from domain.registry.serials import Issuance as Prefix
from domain.registry.serials import SerialRange, parse_serial, serial_label

MAX_BLOCKS = 2000  # blocks read for one history; beyond this the history says it is partial


class Holding(msgspec.Struct, frozen=True, kw_only=True):
    block: UnitBlock
    label: str  # the part of the block inside the asked range
    quantity: int
    holder: str | None  # the holder's public name


class Event(msgspec.Struct, frozen=True, kw_only=True):
    movement: RegistryMovement
    serial_ranges: list[str]  # the moved serials inside the asked range
    quantity: int
    from_name: str | None
    to_name: str | None
    retirement_id: str | None  # set only when that retirement is final (public)


class UnitView(msgspec.Struct, frozen=True, kw_only=True):
    serials: str  # the asked range's label
    issuance: Issuance
    holdings: list[Holding]
    history: list[Event]
    complete: bool  # False when the history was cut at MAX_BLOCKS


async def unit(uow: UnitOfWork, serial: str) -> UnitView:
    """Serial `serial` (one unit) or a block label: its blocks now and its history."""
    try:
        wanted = parse_serial(serial)
    except InvalidInput as exc:
        raise InvalidInput(exc.detail, code=exc.code, field="serial") from exc
    issuance = await _issuance(uow, wanted)
    prefix = prefix_of(issuance)
    start, end = wanted.start, wanted.end
    open_blocks = await uow.registry_public.open_blocks_overlapping(issuance.id, start, end)
    blocks = await uow.registry_public.blocks_touching(
        issuance.id, start, end, limit=MAX_BLOCKS + 1
    )
    complete = len(blocks) <= MAX_BLOCKS
    blocks = blocks[:MAX_BLOCKS]
    movements = await uow.registry_public.movements([b.created_by for b in blocks])
    public = await uow.registry_public.final_retirements(
        [m.retirement_id for m in movements.values() if m.retirement_id]
    )
    accounts = {b.account_id for b in open_blocks}
    accounts |= {a for m in movements.values() for a in (m.from_account, m.to_account) if a}
    names = await uow.registry_public.account_names(sorted(accounts))
    holdings = [
        Holding(
            block=b,
            label=_label(prefix, b, start, end),
            quantity=_inside(b, start, end),
            holder=names.get(b.account_id),
        )
        for b in open_blocks
    ]
    return UnitView(
        serials=serial_label(wanted),
        issuance=issuance,
        holdings=holdings,
        history=_events(prefix, blocks, movements, names, public, start, end),
        complete=complete,
    )


async def _issuance(uow: UnitOfWork, wanted: SerialRange) -> Issuance:
    """The issued issuance the serials belong to, all of them inside it."""
    i = wanted.issuance
    issuance = await uow.registry_public.issuance(i.project_code, i.issuance_no)
    if (
        issuance is None
        or issuance.status != "issued"
        or issuance.vintage != i.vintage
        or issuance.unit_class != i.unit_class
    ):
        raise NotFound(f"no issuance {i.prefix} in the registry", code="serial_not_found")
    if wanted.end > issuance.quantity:
        raise NotFound(
            f"issuance {i.prefix} holds serials 1..{issuance.quantity} only",
            code="serial_not_found",
        )
    return issuance


def _events(
    prefix: Prefix,
    blocks: list[UnitBlock],
    movements: dict[str, RegistryMovement],
    names: dict[str, str],
    public: set[str],
    start: int,
    end: int,
) -> list[Event]:
    moved: dict[str, list[UnitBlock]] = {}
    for b in blocks:
        m = movements.get(b.created_by)
        if m is not None and b.account_id == m.to_account:
            moved.setdefault(m.id, []).append(b)
    ordered = sorted(moved, key=lambda mid: (movements[mid].created_at, mid))
    events = []
    for mid in ordered:
        m, pieces = movements[mid], sorted(moved[mid], key=lambda b: b.serial_start)
        events.append(
            Event(
                movement=m,
                serial_ranges=[_label(prefix, b, start, end) for b in pieces],
                quantity=sum(_inside(b, start, end) for b in pieces),
                from_name=_name(m.from_account, names),
                to_name=_name(m.to_account, names),
                retirement_id=m.retirement_id if m.retirement_id in public else None,
            )
        )
    return events


def _inside(b: UnitBlock, start: int, end: int) -> int:
    """How many of the block's units lie in start..end."""
    return min(b.serial_end, end) - max(b.serial_start, start) + 1


def _label(prefix: Prefix, b: UnitBlock, start: int, end: int) -> str:
    lo, hi = max(b.serial_start, start), min(b.serial_end, end)
    return serial_label(SerialRange(issuance=prefix, start=lo, end=hi))


SYSTEM_NAMES = {ISSUED_FROM: "issuance", RETIRED: "retired"}


def _name(account: str | None, names: dict[str, str]) -> str | None:
    if account is None:
        return None
    return SYSTEM_NAMES.get(account) or names.get(account)
