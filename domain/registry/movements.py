"""Plans for issuing, transferring and retiring units (pure): which blocks close, which are new.

A plan never edits a block. It lists the blocks to close, the new blocks the receiver (or the
retirement account) gets and the new blocks the sender keeps; the caller writes exactly that, with
the ledger postings, in one transaction. New blocks get ids from `new_id` and name their parent.

Refusals: more than the holder has available is a Conflict `insufficient_units`; Class II units
never go to another organisation (Conflict `class_ii_not_tradable`), though they may be retired.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import msgspec

from domain.errors import Conflict, InvalidInput
from domain.ids import new_id as _new_id
from domain.registry.blocks import Block, BlockStatus, Take, carve, check_quantity, choose
from domain.registry.serials import Issuance, SerialRange, serial_label

IdFactory = Callable[[], str]


class Movement(msgspec.Struct, frozen=True, kw_only=True):
    """What one transfer or retirement does to the blocks."""

    closed: tuple[Block, ...]  # the sender's blocks that end here
    received: tuple[Block, ...]  # new blocks of the receiver or the retirement account
    kept: tuple[Block, ...]  # new blocks for what the sender keeps of the closed ones

    @property
    def quantity(self) -> int:
        return sum(b.quantity for b in self.received)

    @property
    def serial_ranges(self) -> list[str]:
        """The labels of the moved ranges, as events, statements and certificates show them."""
        return [serial_label(b) for b in self.received]


def issue(issuance: Issuance, quantity: int, *, to: str, new_id: IdFactory = _new_id) -> Block:
    """An issuance's one block: serials 1..quantity, active in the `to` account."""
    check_quantity(quantity)
    return Block(issuance=issuance, start=1, end=quantity, account=to, id=new_id())


def transfer(
    holdings: Sequence[Block],
    quantity: int,
    *,
    sender: str,
    to: str,
    serials: Sequence[SerialRange] | None = None,
    within_owner: bool = False,
    new_id: IdFactory = _new_id,
) -> Movement:
    """Move `quantity` units of the `sender` account's `holdings` (all its blocks) to `to`.

    Class II units move only between accounts of one owner (`within_owner`, which the caller
    decides from the accounts' owners); otherwise only Class I blocks are spent, and naming Class
    II serials, or needing them to reach `quantity`, is a Conflict `class_ii_not_tradable`.
    """
    _check_accounts(holdings, sender, to)
    check_quantity(quantity)
    candidates = list(holdings)
    if not within_owner:
        candidates = [b for b in holdings if b.issuance.unit_class == "I"]
        if serials is not None and any(r.issuance.unit_class == "II" for r in serials):
            raise _class_ii()
        if serials is None:
            tradable = _available(candidates)
            if tradable < quantity <= _available(holdings):
                raise _class_ii(f"only {tradable} of the units available are Class I")
    takes = choose(candidates, quantity, serials=serials)
    return _plan(takes, to=to, status="active", new_id=new_id)


def retire(
    holdings: Sequence[Block],
    quantity: int,
    *,
    sender: str,
    to: str,
    serials: Sequence[SerialRange] | None = None,
    pending: bool = False,
    new_id: IdFactory = _new_id,
) -> Movement:
    """Retire `quantity` units of the `sender` account's `holdings` into retirement account `to`.

    Either class may be retired. The new blocks are `retired` (final), or `reserved` while the
    retirement is `pending`: then `complete_retirement` or `release_retirement` ends it.
    """
    _check_accounts(holdings, sender, to)
    takes = choose(holdings, quantity, serials=serials)
    return _plan(takes, to=to, status="reserved" if pending else "retired", new_id=new_id)


def complete_retirement(reserved: Sequence[Block], *, new_id: IdFactory = _new_id) -> Movement:
    """A pending retirement's reserved blocks become retired, where they are."""
    account = _reserved_account(reserved)
    return _plan(_whole(reserved), to=account, status="retired", new_id=new_id)


def release_retirement(
    reserved: Sequence[Block], *, to: str, new_id: IdFactory = _new_id
) -> Movement:
    """A pending retirement is abandoned: its reserved blocks go back, active, to `to`."""
    _reserved_account(reserved)
    return _plan(_whole(reserved), to=to, status="active", new_id=new_id)


def _plan(takes: Sequence[Take], *, to: str, status: BlockStatus, new_id: IdFactory) -> Movement:
    ranges: dict[tuple, list[tuple[int, int]]] = {}
    blocks: dict[tuple, Block] = {}
    for take in takes:
        b = take.block
        key = (b.issuance, b.start, b.end, b.account, b.id)
        blocks.setdefault(key, b)
        ranges.setdefault(key, []).append((take.start, take.end))
    closed: list[Block] = []
    received: list[Block] = []
    kept: list[Block] = []
    for key, block in blocks.items():
        head_and_gaps, taken = carve(block, ranges[key])
        closed.append(block)
        kept += [msgspec.structs.replace(p, id=new_id()) for p in head_and_gaps]
        received += [
            msgspec.structs.replace(p, account=to, status=status, id=new_id()) for p in taken
        ]
    return Movement(closed=tuple(closed), received=tuple(received), kept=tuple(kept))


def _check_accounts(holdings: Sequence[Block], sender: str, to: str) -> None:
    strangers = sorted({b.account for b in holdings} - {sender})
    if strangers:
        raise ValueError(f"the holdings of {sender} include blocks of {strangers}")
    if to == sender:
        raise InvalidInput("the receiving account is the sender's", code="same_account")


def _available(blocks: Sequence[Block]) -> int:
    return sum(b.quantity for b in blocks if b.status == "active")


def _class_ii(detail: str = "") -> Conflict:
    prefix = f"{detail}: " if detail else ""
    return Conflict(
        prefix + "Class II units can be retired but never transferred to another organisation",
        code="class_ii_not_tradable",
    )


def _reserved_account(reserved: Sequence[Block]) -> str:
    if not reserved:
        raise ValueError("a pending retirement holds at least one block")
    if any(b.status != "reserved" for b in reserved):
        raise Conflict("only reserved units can end a pending retirement", code="not_reserved")
    accounts = {b.account for b in reserved}
    if len(accounts) > 1:
        raise ValueError(f"reserved blocks of one account expected, got {sorted(accounts)}")
    return accounts.pop()


def _whole(blocks: Sequence[Block]) -> list[Take]:
    return [Take(block=b, start=b.start, end=b.end) for b in blocks]
