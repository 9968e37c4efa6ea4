"""Alliance merchants."""

from __future__ import annotations

from datetime import datetime

from domain.audit import Actor, record
from domain.errors import InvalidInput
from domain.ids import new_id
from domain.persistence.tables import Merchant
from domain.persistence.uow import UnitOfWork


async def create_merchant(uow: UnitOfWork, actor: Actor, name: str, now: datetime) -> Merchant:
    name = name.strip()
    if not name:
        raise InvalidInput("name must not be blank", code="invalid_name")
    merchant = Merchant(id=new_id(), name=name, status="approved", created_at=now)
    uow.merchants.add(merchant)
    record(uow, actor, "merchant.create", "merchant", merchant.id, None, {"name": name}, now)
    return merchant
