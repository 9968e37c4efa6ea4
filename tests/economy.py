"""Helpers for the points-economy tests: points to spend, a live offer, a cashier."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from litestar.testing import AsyncTestClient

from domain.clock import utcnow
from domain.governance.audit import Actor
from domain.identity.principal import Role
from domain.merchants import offers
from domain.merchants import registration as merchants
from domain.persistence.uow import Database
from domain.points import adjustments
from tests.helpers import PASSWORD, bearer, make_merchant, make_staff

PROPOSER = Actor(id="test-proposer", role="admin")
APPROVER = Actor(id="test-approver", role="admin")


async def give_points(db: Database, citizen_id: str, points: int) -> None:
    """Credit points the way staff do: a proposed and separately approved adjustment."""
    async with db.unit_of_work() as uow:
        a = await adjustments.propose(uow, PROPOSER, citizen_id, points, "test points", utcnow())
    async with db.unit_of_work() as uow:
        await adjustments.decide(uow, APPROVER, a.id, True, utcnow())


async def make_offer(
    db: Database,
    merchant_id: str,
    *,
    price: int = 100,
    stock: int = 10,
    limit: int = 5,
    voucher_days: int = 30,
    starts: datetime | None = None,
    ends: datetime | None = None,
    approve: bool = True,
) -> str:
    now = utcnow()
    draft = offers.OfferDraft(
        title="Green tea",
        description="one cup",
        points_price=price,
        stock=stock,
        per_citizen_limit=limit,
        valid_from=starts or now - timedelta(hours=1),
        valid_until=ends or now + timedelta(days=30),
        voucher_days=voucher_days,
    )
    async with db.unit_of_work() as uow:
        offer = await offers.create(uow, PROPOSER, merchant_id, draft, now)
    if approve:
        async with db.unit_of_work() as uow:
            await offers.decide(uow, APPROVER, offer.id, "approve", now)
    return offer.id


async def make_store(db: Database, merchant_id: str, name: str = "Xinjiekou") -> str:
    async with db.unit_of_work() as uow:
        return (await merchants.add_store(uow, PROPOSER, merchant_id, name, None, utcnow())).id


async def cashier(
    client: AsyncTestClient, db: Database, merchant_id: str, store_id: str | None = None
) -> dict[str, Any]:
    username = f"cashier-{uuid.uuid4().hex[:8]}"
    await make_staff(db, username, Role.MERCHANT, merchant_id, store_id=store_id)
    r = await client.post("/v1/auth/staff", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return r.json()


async def buy(
    client: AsyncTestClient, citizen: dict[str, Any], offer_id: str, key: str | None = None
) -> Any:
    return await client.post(
        "/v1/me/vouchers",
        json={"offer_id": offer_id},
        headers={
            **bearer(citizen["access_token"]),
            "Idempotency-Key": key or uuid.uuid4().hex,
        },
    )


async def scan(
    client: AsyncTestClient, who: dict[str, Any], nonce: str | None = None, **body: Any
) -> Any:
    return await client.post(
        "/v1/merchant/redemptions",
        json={"nonce": nonce or uuid.uuid4().hex, **body},
        headers=bearer(who["access_token"]),
    )


async def balance(client: AsyncTestClient, citizen: dict[str, Any]) -> int:
    r = await client.get("/v1/me", headers=bearer(citizen["access_token"]))
    assert r.status_code == 200, r.text
    return r.json()["points"]["balance"]


__all__ = ["buy", "cashier", "give_points", "make_merchant", "make_offer", "make_store", "scan"]
