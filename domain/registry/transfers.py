"""Transferring units between holding accounts, in one transaction under the accounts' locks.

The sender's and the receiver's ledger accounts are locked (sorted) before the sender's open
blocks are read, so two transfers or retirements spending the same units queue: the second sees
what the first left. Oldest vintage first unless serials are named; Class II units move only
between accounts of one owner. Two chained postings through `sys:registry-transit`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from domain.errors import InvalidInput
from domain.governance.audit import Actor, record
from domain.identity.principal import Principal
from domain.ids import new_id
from domain.persistence.tables import RegistryMovement
from domain.persistence.uow import UnitOfWork
from domain.registry import access, postings, store
from domain.registry.blocks import check_quantity
from domain.registry.movements import transfer as plan_transfer
from domain.registry.serials import SerialRange, parse_serial


def named_serials(serials: Sequence[str] | None) -> list[SerialRange] | None:
    """Block labels or unit serials as ranges; a bad one is a 422 naming the field."""
    if serials is None:
        return None
    if not serials:
        raise InvalidInput("serials: name at least one, or leave it out", code="invalid_serial")
    out = []
    for i, text in enumerate(serials):
        try:
            out.append(parse_serial(text))
        except InvalidInput as exc:
            raise InvalidInput(
                f"serials[{i}]: {exc.detail}", code=exc.code, field=f"serials[{i}]"
            ) from exc
    return out


def checked_quantity(quantity: int) -> int:
    try:
        return check_quantity(quantity)
    except InvalidInput as exc:
        raise InvalidInput(exc.detail, code=exc.code, field="quantity") from exc


async def transfer(
    uow: UnitOfWork,
    principal: Principal,
    actor: Actor,
    *,
    from_account: str,
    to_account: str,
    quantity: int,
    serials: Sequence[str] | None = None,
    now: datetime,
) -> RegistryMovement:
    checked_quantity(quantity)
    named = named_serials(serials)
    sender = await access.account(uow, from_account, field="from_account")
    receiver = await access.account(uow, to_account, field="to_account")
    access.check_may_move(principal, sender, field="from_account")
    if sender.id == receiver.id:
        raise InvalidInput(
            "to_account: the receiving account is the sender's",
            code="same_account",
            field="to_account",
        )
    movement = await move_units(
        uow,
        from_account=sender.id,
        to_account=receiver.id,
        quantity=quantity,
        named=named,
        within_owner=sender.org_id == receiver.org_id,
        actor=access.mover(principal),
        now=now,
    )
    record(
        uow,
        actor,
        "registry.transfer",
        "registry_movement",
        movement.id,
        None,
        {
            "from_account": sender.id,
            "to_account": receiver.id,
            "quantity": quantity,
            "serial_ranges": movement.serial_ranges,
        },
        now,
    )
    return movement


async def move_units(
    uow: UnitOfWork,
    *,
    from_account: str,
    to_account: str,
    quantity: int,
    actor: str,
    now: datetime,
    named: Sequence[SerialRange] | None = None,
    within_owner: bool = False,
) -> RegistryMovement:
    """Move units between two holding accounts the caller may move (no access check here):
    lock both (sorted), read what the sender may spend (Class I only between owners), plan,
    record the movement and its two postings. Transfers and the market's moves share it."""
    locked = await postings.lock_holders(uow, [from_account, to_account], now)
    held = await store.to_spend(
        uow,
        from_account,
        quantity,
        unit_class=None if within_owner else "I",  # Class II stays with its owner
        named=named is not None,
    )
    plan = plan_transfer(
        held.blocks,
        quantity,
        sender=from_account,
        to=to_account,
        serials=named,
        within_owner=within_owner,
    )
    movement_id = new_id()
    movement = await store.record(
        uow,
        plan,
        held.issuance_ids,
        movement_id=movement_id,
        kind="transfer",
        from_account=from_account,
        to_account=to_account,
        actor=actor,
        now=now,
    )
    out, into = locked[from_account], locked[to_account]
    await postings.write(
        uow, postings.transfer_rows(out, into, quantity, movement_id, now), [out, into]
    )
    return movement
