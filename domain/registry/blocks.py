"""Blocks of registry units and which of them a movement takes (pure).

A block is a contiguous range of one issuance's serials, held by one account. Blocks are values:
never edited, only closed and replaced by the pieces they split into, each piece naming its
parent, so the history of any serial can be replayed. A movement takes whole blocks, oldest
vintage first, and splits the last one at its tail (`split_tail`); when the holder names serial
ranges, exactly those are taken, wherever they lie in a block (`carve`).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import Literal

import msgspec

from domain.errors import Conflict, InvalidInput
from domain.registry.serials import Issuance, SerialRange, check_range, serial_label

BlockStatus = Literal["active", "reserved", "retired"]
# active: the holder may move or retire it; reserved: a retirement in progress holds it;
# retired: final, never moved again.


class Block(msgspec.Struct, frozen=True, kw_only=True):
    """Units `start..end` (both included) of one issuance, held by `account`.

    `id` is None for a value not stored yet; `parent_id` names the block this one was split or
    moved from (None for an issuance's first block).
    """

    issuance: Issuance
    start: int
    end: int
    account: str
    status: BlockStatus = "active"
    id: str | None = None
    parent_id: str | None = None

    def __post_init__(self) -> None:
        check_range(self.start, self.end)

    @property
    def quantity(self) -> int:
        return self.end - self.start + 1

    @property
    def label(self) -> str:
        return serial_label(self)

    @property
    def serials(self) -> SerialRange:
        return SerialRange(issuance=self.issuance, start=self.start, end=self.end)


class Take(msgspec.Struct, frozen=True, kw_only=True):
    """Serials `start..end` taken out of `block`."""

    block: Block
    start: int
    end: int

    @property
    def quantity(self) -> int:
        return self.end - self.start + 1


def check_quantity(quantity: int) -> int:
    """Quantities are whole tonnes, at least one."""
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
        raise InvalidInput(
            f"quantity must be a whole number of tonnes, at least 1 (got {quantity!r})",
            code="invalid_quantity",
        )
    return quantity


def _piece(block: Block, start: int, end: int) -> Block:
    return msgspec.structs.replace(block, start=start, end=end, id=None, parent_id=block.id)


def split_tail(block: Block, quantity: int) -> tuple[Block | None, Block]:
    """`(kept, taken)`: the block's last `quantity` units are taken, the head is kept.

    Both pieces are new values (no id, `parent_id` = the block's id). When `quantity` is the whole
    block, nothing is kept and the block itself is returned as taken.
    """
    check_quantity(quantity)
    if quantity > block.quantity:
        raise ValueError(f"cannot take {quantity} from {block.label} ({block.quantity} units)")
    if quantity == block.quantity:
        return None, block
    cut = block.end - quantity
    return _piece(block, block.start, cut), _piece(block, cut + 1, block.end)


def carve(block: Block, ranges: Sequence[tuple[int, int]]) -> tuple[list[Block], list[Block]]:
    """`(kept, taken)` pieces of `block` when the disjoint `ranges` (inside it) are taken.

    Adjacent ranges are taken as one piece; every gap between them, and the head and the tail,
    is a kept piece. Pieces are new values (no id, `parent_id` = the block's id).
    """
    kept: list[Block] = []
    taken: list[Block] = []
    cursor = block.start
    for start, end in _merged(sorted(ranges)):
        if start < cursor or end > block.end:
            raise ValueError(f"{start}..{end} overlaps another range or leaves {block.label}")
        if start > cursor:
            kept.append(_piece(block, cursor, start - 1))
        taken.append(_piece(block, start, end))
        cursor = end + 1
    if cursor <= block.end:
        kept.append(_piece(block, cursor, block.end))
    return kept, taken


def _merged(ranges: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in ranges:
        if out and start == out[-1][1] + 1:
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def spending_order(block: Block) -> tuple:
    """Oldest vintage first, then issuance number, then serial (project and class break ties)."""
    i = block.issuance
    return (i.vintage, i.issuance_no, block.start, i.project_code, i.unit_class)


def choose(
    blocks: Sequence[Block], quantity: int, *, serials: Sequence[SerialRange] | None = None
) -> list[Take]:
    """Which serials of the active `blocks` a movement of `quantity` units takes.

    Without `serials`: whole blocks in `spending_order`, the last one's tail if it is not needed
    whole. With `serials`: exactly the named ranges, which must add up to `quantity` and lie in
    active blocks (Conflict `serials_not_held` otherwise). Too few active units is a Conflict
    `insufficient_units`.
    """
    check_quantity(quantity)
    active = [b for b in blocks if b.status == "active"]
    if serials is not None:
        return _named(active, quantity, serials)
    held = sum(b.quantity for b in active)
    if held < quantity:
        raise Conflict(
            f"{quantity} units requested, {held} available",
            code="insufficient_units",
            available=held,
            requested=quantity,
        )
    takes: list[Take] = []
    needed = quantity
    for block in sorted(active, key=spending_order):
        take = min(needed, block.quantity)
        takes.append(Take(block=block, start=block.end - take + 1, end=block.end))
        needed -= take
        if needed == 0:
            break
    return takes


def _named(active: Sequence[Block], quantity: int, serials: Sequence[SerialRange]) -> list[Take]:
    named = sorted(serials, key=lambda r: (spending_key(r.issuance), r.start))
    for before, after in pairwise(named):
        if before.issuance == after.issuance and after.start <= before.end:
            raise InvalidInput(
                f"{serial_label(before)} and {serial_label(after)} overlap",
                code="overlapping_serials",
            )
    total = sum(r.quantity for r in named)
    if total != quantity:
        raise InvalidInput(
            f"the named serials hold {total} units, not {quantity}", code="quantity_mismatch"
        )
    takes: list[Take] = []
    for wanted in named:
        covered = 0
        for block in sorted(active, key=spending_order):
            if block.issuance != wanted.issuance:
                continue
            start, end = max(block.start, wanted.start), min(block.end, wanted.end)
            if start <= end:
                takes.append(Take(block=block, start=start, end=end))
                covered += end - start + 1
        if covered != wanted.quantity:
            raise Conflict(
                f"{serial_label(wanted)}: {wanted.quantity - covered} of these units are not "
                "held here as active units",
                code="serials_not_held",
                serials=serial_label(wanted),
            )
    return takes


def spending_key(issuance: Issuance) -> tuple:
    return (issuance.vintage, issuance.issuance_no, issuance.project_code, issuance.unit_class)
