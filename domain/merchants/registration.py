"""Alliance merchants: a merchant applies, staff approve or reject; approved ones add stores."""

from __future__ import annotations

from datetime import datetime

from domain import districts
from domain.crypto import DataProtector
from domain.errors import Conflict, InvalidInput, NotFound
from domain.governance.audit import Actor, record
from domain.ids import new_id
from domain.merchants.contacts import seal_phone
from domain.persistence.tables import Merchant, Store
from domain.persistence.uow import UnitOfWork

DECISIONS = {"approve": "approved", "reject": "rejected", "suspend": "suspended"}
# which status a decision may start from
_FROM = {"approve": {"pending", "suspended"}, "reject": {"pending"}, "suspend": {"approved"}}


def _text(value: str | None, field: str, *, required: bool = False) -> str | None:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(f"{field} must not be blank", code=f"invalid_{field}")
    return value or None


async def apply(
    uow: UnitOfWork,
    protector: DataProtector,
    *,
    name: str,
    contact_name: str,
    contact_phone: str,
    address: str | None,
    now: datetime,
) -> Merchant:
    """A merchant asks to join the alliance; it waits as `pending` for staff. The contact phone
    is stored encrypted (domain/merchants/contacts.py)."""
    merchant = Merchant(
        id=new_id(),
        name=_text(name, "name", required=True),
        status="pending",
        contact_name=_text(contact_name, "contact_name", required=True),
        contact_phone_encrypted=seal_phone(
            protector, _text(contact_phone, "contact_phone", required=True)
        ),
        address=_text(address, "address"),
        created_at=now,
    )
    uow.merchants.add(merchant)
    return merchant


async def create_merchant(uow: UnitOfWork, actor: Actor, name: str, now: datetime) -> Merchant:
    """Staff register a merchant directly (approved at once)."""
    merchant = Merchant(
        id=new_id(),
        name=_text(name, "name", required=True),
        status="approved",
        decided_by=actor.id,
        decided_at=now,
        created_at=now,
    )
    uow.merchants.add(merchant)
    record(uow, actor, "merchant.create", "merchant", merchant.id, None, {"name": name}, now)
    return merchant


async def get(uow: UnitOfWork, merchant_id: str) -> Merchant:
    merchant = await uow.merchants.get(merchant_id)
    if merchant is None:
        raise NotFound(f"no merchant {merchant_id}")
    return merchant


async def decide(
    uow: UnitOfWork, actor: Actor, merchant_id: str, decision: str, now: datetime
) -> Merchant:
    merchant = await get(uow, merchant_id)
    if decision not in DECISIONS:
        raise InvalidInput(f"unknown decision {decision!r}", code="invalid_decision")
    if merchant.status not in _FROM[decision]:
        raise Conflict(f"cannot {decision} a {merchant.status} merchant", code="invalid_transition")
    before = {"status": merchant.status}
    merchant.status = DECISIONS[decision]
    merchant.decided_by = actor.id
    merchant.decided_at = now
    record(
        uow,
        actor,
        f"merchant.{decision}",
        "merchant",
        merchant.id,
        before,
        {"status": merchant.status},
        now,
    )
    return merchant


async def add_store(
    uow: UnitOfWork,
    actor: Actor,
    merchant_id: str,
    name: str,
    address: str | None,
    now: datetime,
    *,
    district: str | None = None,
) -> Store:
    merchant = await get(uow, merchant_id)
    district = districts.optional(district)
    if merchant.status != "approved":
        raise Conflict("only an approved merchant has stores", code="merchant_not_approved")
    store = Store(
        id=new_id(),
        merchant_id=merchant.id,
        name=_text(name, "name", required=True),
        address=_text(address, "address"),
        district=district,
        created_at=now,
    )
    uow.merchants.add_store(store)
    record(
        uow,
        actor,
        "store.create",
        "store",
        store.id,
        None,
        {"merchant_id": merchant.id, "name": store.name, "district": district},
        now,
    )
    return store


async def store_of(uow: UnitOfWork, merchant_id: str, store_id: str) -> Store:
    store = await uow.merchants.store(store_id)
    if store is None or store.merchant_id != merchant_id:
        raise NotFound(f"no store {store_id} at this merchant")
    return store
