"""Linking a citizen to an operator account with a one-time code; unlinking."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from domain.crypto import DataProtector
from domain.errors import Conflict, Gone, NotFound
from domain.identity.citizens import active
from domain.ids import new_id
from domain.persistence.tables import Binding, BindingCode
from domain.persistence.uow import UnitOfWork
from domain.trips.accounts import account_hash, ensure_citizen_accounts
from domain.trips.pending import credit_pending

CODE_TTL = timedelta(minutes=10)
CODE_DIGITS = 8


async def issue_code(
    uow: UnitOfWork, citizen_id: str, operator_id: str, now: datetime
) -> BindingCode:
    await active(uow, citizen_id)
    operator = await uow.operators.get(operator_id)
    if operator is None or not operator.active or operator.kind == "exchange":
        raise NotFound("no such operator", code="operator_not_found")  # an exchange has no riders
    for _ in range(5):
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        if await uow.bindings.code(operator_id, code) is None:
            break
    else:  # pragma: no cover - 10^8 codes
        raise Conflict("could not allocate a code; try again", code="code_space_busy")
    issued = BindingCode(
        id=new_id(),
        operator_id=operator_id,
        code=code,
        citizen_id=citizen_id,
        created_at=now,
        expires_at=now + CODE_TTL,
    )
    uow.bindings.add(issued)
    return issued


def hint(external_account: str) -> str:
    return "****" + external_account[-4:]


def citizen_ref(protector: DataProtector, operator_id: str, citizen_id: str) -> str:
    """An opaque, stable reference to the citizen for this operator only."""
    return protector.keyed_hash(f"citizen-ref:{operator_id}", citizen_id)[:24]


async def bind(
    uow: UnitOfWork,
    protector: DataProtector,
    operator_id: str,
    code: str,
    external_account: str,
    now: datetime,
) -> tuple[Binding, int]:
    """Spend the code and link the account; returns the binding and how many pending trips
    were credited."""
    issued = await uow.bindings.code(operator_id, code)
    if issued is None:
        raise NotFound("unknown binding code", code="binding_code_unknown")
    if issued.spent_at is not None:
        raise Conflict("this binding code has been used", code="binding_code_used")
    if issued.expires_at <= now:
        raise Gone("this binding code has expired", code="binding_code_expired")
    citizen = await active(uow, issued.citizen_id)
    hashed = account_hash(protector, operator_id, external_account)
    current = await uow.bindings.active_for_account(operator_id, hashed)
    if current is not None and current.citizen_id != citizen.id:
        raise Conflict("this account is linked to another citizen", code="account_already_linked")
    if not await uow.bindings.spend_code(issued.id, now):
        raise Conflict("this binding code has been used", code="binding_code_used")
    if current is not None:
        return current, 0
    binding = Binding(
        id=new_id(),
        citizen_id=citizen.id,
        operator_id=operator_id,
        account_hash=hashed,
        account_hint=hint(external_account),
        bound_at=now,
    )
    uow.bindings.add(binding)
    await uow.flush()
    await ensure_citizen_accounts(uow, [citizen.id], now)  # the feed's hot path only locks it
    decided = await credit_pending(uow, operator_id, hashed, citizen.id, now)
    return binding, sum(1 for d in decided if d.status.value == "credited")


async def unbind(uow: UnitOfWork, citizen_id: str, binding_id: str, now: datetime) -> None:
    binding = await uow.bindings.get(binding_id)
    if binding is None or binding.citizen_id != citizen_id or binding.unbound_at is not None:
        raise NotFound("no such binding", code="binding_not_found")
    binding.unbound_at = now
