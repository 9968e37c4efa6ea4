"""Retiring units (注销): final, public, for a beneficiary and a purpose.

A retirement locks the holder's ledger account before reading its open blocks (so two spends of
the same units queue), moves the chosen units into `sys:registry-retired` with one chained
`reg_retire` posting, and records beneficiary, purpose and details. A pending retirement (the
market's orders) reserves its units there instead: `complete` makes them retired where they lie,
`release` gives them back to the holder, active, with a `reg_release` posting.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from domain.errors import Conflict, InvalidInput, NotFound
from domain.governance.audit import Actor, record
from domain.identity.principal import Principal
from domain.ids import new_id
from domain.persistence.tables import RegistryAccount, Retirement
from domain.persistence.uow import UnitOfWork
from domain.registry import access, postings, store
from domain.registry.accounts import RETIRED
from domain.registry.movements import complete_retirement, release_retirement
from domain.registry.movements import retire as plan_retire
from domain.registry.serials import SerialRange
from domain.registry.transfers import checked_quantity, named_serials

PURPOSES = ("carbon_neutrality", "event", "voluntary", "eco_compensation")


def certificate_url(retirement_id: str) -> str:
    return f"/v1/public/retirements/{retirement_id}/certificate.pdf"


def _checked(beneficiary: str, purpose: str, details: str) -> tuple[str, str]:
    if purpose not in PURPOSES:
        raise InvalidInput(
            f"purpose must be one of {', '.join(PURPOSES)}", code="invalid_purpose", field="purpose"
        )
    if not beneficiary.strip():
        raise InvalidInput(
            "beneficiary: name who the retirement is for",
            code="beneficiary_required",
            field="beneficiary",
        )
    return beneficiary.strip(), details.strip()


async def retire(
    uow: UnitOfWork,
    principal: Principal,
    actor: Actor,
    *,
    account: str,
    quantity: int,
    beneficiary: str,
    purpose: str,
    details: str = "",
    serials: Sequence[str] | None = None,
    pending: bool = False,
    now: datetime,
) -> Retirement:
    """Retire `quantity` units of `account` now, or, `pending`, reserve them for later."""
    checked_quantity(quantity)
    beneficiary, details = _checked(beneficiary, purpose, details)
    named = named_serials(serials)
    holder = await access.account(uow, account, field="account")
    access.check_may_move(principal, holder, field="account")
    return await retire_held(
        uow,
        actor,
        holder,
        quantity=quantity,
        beneficiary=beneficiary,
        purpose=purpose,
        details=details,
        named=named,
        pending=pending,
        created_by=access.mover(principal),
        now=now,
    )


async def retire_held(
    uow: UnitOfWork,
    actor: Actor,
    holder: RegistryAccount,
    *,
    quantity: int,
    beneficiary: str,
    purpose: str,
    details: str,
    created_by: str,
    now: datetime,
    named: Sequence[SerialRange] | None = None,
    pending: bool = False,
) -> Retirement:
    """Retire units of `holder` for a caller already allowed to (`retire` checks members; the
    market retires a citizen's bought units for them as it delivers them)."""
    beneficiary, details = _checked(beneficiary, purpose, details)
    locked = (await postings.lock_holders(uow, [holder.id], now))[holder.id]
    held = await store.to_spend(uow, holder.id, quantity, named=named is not None)
    plan = plan_retire(
        held.blocks, quantity, sender=holder.id, to=RETIRED, serials=named, pending=pending
    )
    retirement = Retirement(
        id=new_id(),
        account_id=holder.id,
        org_id=holder.org_id,
        quantity=quantity,
        beneficiary=beneficiary,
        purpose=purpose,
        details=details,
        status="pending" if pending else "retired",
        serial_ranges=plan.serial_ranges,
        movement_id=new_id(),
        created_by=created_by,
        created_at=now,
        retired_at=None if pending else now,
    )
    uow.registry.add(retirement)
    await store.record(
        uow,
        plan,
        held.issuance_ids,
        movement_id=retirement.movement_id,
        kind="retire",
        from_account=holder.id,
        to_account=RETIRED,
        actor=retirement.created_by,
        now=now,
        retirement_id=retirement.id,
    )
    row = postings.retire_row(locked, quantity, retirement.movement_id, now)
    await postings.write(uow, [row], [locked])
    action = "registry.reserve" if pending else "registry.retire"
    record(uow, actor, action, "retirement", retirement.id, None, _summary(retirement), now)
    return retirement


async def complete(
    uow: UnitOfWork, actor: Actor, retirement_id: str, *, now: datetime
) -> Retirement:
    """A pending retirement becomes final: its reserved units are retired where they lie."""
    retirement = await _pending(uow, retirement_id)
    held = store.held_of(await uow.registry.open_blocks_made_by(retirement.movement_id, RETIRED))
    plan = complete_retirement(held.blocks)
    await store.record(
        uow,
        plan,
        held.issuance_ids,
        movement_id=new_id(),
        kind="complete",
        from_account=RETIRED,
        to_account=RETIRED,
        actor=f"{actor.role}:{actor.id}",
        now=now,
        retirement_id=retirement.id,
    )
    before = _summary(retirement)
    retirement.status, retirement.retired_at = "retired", now
    record(
        uow,
        actor,
        "registry.complete",
        "retirement",
        retirement.id,
        before,
        _summary(retirement),
        now,
    )
    return retirement


async def release(
    uow: UnitOfWork, actor: Actor, retirement_id: str, *, now: datetime
) -> Retirement:
    """A pending retirement is abandoned: its reserved units go back to the holder, active."""
    retirement = await _pending(uow, retirement_id)
    locked = (await postings.lock_holders(uow, [retirement.account_id], now))[retirement.account_id]
    held = store.held_of(await uow.registry.open_blocks_made_by(retirement.movement_id, RETIRED))
    plan = release_retirement(held.blocks, to=retirement.account_id)
    movement_id = new_id()
    await store.record(
        uow,
        plan,
        held.issuance_ids,
        movement_id=movement_id,
        kind="release",
        from_account=RETIRED,
        to_account=retirement.account_id,
        actor=f"{actor.role}:{actor.id}",
        now=now,
        retirement_id=retirement.id,
    )
    row = postings.release_row(locked, plan.quantity, movement_id, now)
    await postings.write(uow, [row], [locked])
    before = _summary(retirement)
    retirement.status = "released"
    record(
        uow,
        actor,
        "registry.release",
        "retirement",
        retirement.id,
        before,
        _summary(retirement),
        now,
    )
    return retirement


async def _pending(uow: UnitOfWork, retirement_id: str) -> Retirement:
    retirement = await uow.registry.retirement(retirement_id, for_update=True)
    if retirement is None:
        raise NotFound("no such retirement", code="retirement_not_found")
    if retirement.status != "pending":
        raise Conflict(f"the retirement is {retirement.status}", code="retirement_not_pending")
    return retirement


def _summary(r: Retirement) -> dict[str, object]:
    return {
        "account_id": r.account_id,
        "quantity": r.quantity,
        "beneficiary": r.beneficiary,
        "purpose": r.purpose,
        "status": r.status,
        "serial_ranges": r.serial_ranges,
    }
