"""Blocks as stored rows and as values, and writing a planned movement exactly as agreed.

Every movement is one `registry_movements` row. Its closed blocks end with a conditional update
(open ones only) whose count must match the plan, so a block already spent by someone else can
never be spent again; its new blocks are new rows naming their parent and the movement.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import msgspec

from domain.errors import Conflict
from domain.persistence.tables import Issuance as IssuanceRow
from domain.persistence.tables import RegistryMovement, UnitBlock
from domain.persistence.uow import UnitOfWork
from domain.registry.blocks import Block
from domain.registry.movements import Movement
from domain.registry.serials import Issuance


def serials_of(row: IssuanceRow) -> Issuance:
    """The serial prefix of an issued issuance."""
    assert row.issuance_no is not None, "only issued issuances hold blocks"
    return Issuance(
        vintage=row.vintage,
        issuance_no=row.issuance_no,
        project_code=row.project_code,
        unit_class=row.unit_class,  # type: ignore[arg-type]  # I | II by construction
    )


class Held(msgspec.Struct, frozen=True):
    """An account's open blocks as values, and the issuance row id behind each serial prefix."""

    blocks: list[Block]
    issuance_ids: dict[Issuance, str]


def held_of(pairs: Sequence[tuple[UnitBlock, IssuanceRow]]) -> Held:
    blocks: list[Block] = []
    ids: dict[Issuance, str] = {}
    for row, issuance in pairs:
        serials = serials_of(issuance)
        ids[serials] = issuance.id
        blocks.append(
            Block(
                issuance=serials,
                start=row.serial_start,
                end=row.serial_end,
                account=row.account_id,
                status=row.status,  # type: ignore[arg-type]  # active | reserved | retired
                id=row.id,
                parent_id=row.parent_id,
            )
        )
    return Held(blocks=blocks, issuance_ids=ids)


async def held(uow: UnitOfWork, account_id: str) -> Held:
    return held_of(await uow.registry.open_blocks(account_id))


async def to_spend(
    uow: UnitOfWork,
    account_id: str,
    quantity: int,
    *,
    unit_class: str | None = None,
    named: bool = False,
) -> Held:
    """What a movement of `quantity` units plans over: the account's active blocks of that class
    in spending order, only as many as reach `quantity`; the planner takes the same blocks from
    them as from the whole account. When they do not reach it, or serials are named, every open
    block, so the planner's refusal names what the account holds (and which class)."""
    if not named:
        prefix = held_of(
            await uow.registry.spendable_prefix(account_id, quantity, unit_class=unit_class)
        )
        if sum(b.quantity for b in prefix.blocks) >= quantity:
            return prefix
    return await held(uow, account_id)


def block_row(block: Block, issuance_id: str, movement_id: str, now: datetime) -> dict:
    return {
        "id": block.id,
        "issuance_id": issuance_id,
        "serial_start": block.start,
        "serial_end": block.end,
        "account_id": block.account,
        "status": block.status,
        "parent_id": block.parent_id,
        "created_by": movement_id,
        "closed_by": None,
        "created_at": now,
        "closed_at": None,
    }


async def record(
    uow: UnitOfWork,
    plan: Movement,
    issuance_ids: dict[Issuance, str],
    *,
    movement_id: str,
    kind: str,
    from_account: str | None,
    to_account: str,
    actor: str | None,
    now: datetime,
    retirement_id: str | None = None,
    issuance_id: str | None = None,
) -> RegistryMovement:
    """Write the movement row, close its blocks (all of them or fail) and add the new ones."""
    closed = [b.id for b in plan.closed if b.id is not None]
    if await uow.registry.close_blocks(closed, movement_id, now) != len(closed):
        raise Conflict("these units moved meanwhile; try again", code="units_moved")
    new = [*plan.kept, *plan.received]
    await uow.registry.add_blocks(
        [block_row(b, issuance_ids[b.issuance], movement_id, now) for b in new]
    )
    movement = RegistryMovement(
        id=movement_id,
        kind=kind,
        from_account=from_account,
        to_account=to_account,
        quantity=plan.quantity,
        serial_ranges=plan.serial_ranges,
        issuance_id=issuance_id,
        retirement_id=retirement_id,
        actor=actor,
        created_at=now,
    )
    uow.registry.add(movement)
    return movement
