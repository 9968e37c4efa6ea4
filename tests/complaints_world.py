"""Helpers for the complaint tests: a citizen with a trip and a voucher, staff, a merchant."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from litestar.testing import AsyncTestClient

from domain.clock import shanghai_date, utcnow
from domain.crypto import DataProtector
from domain.identity.principal import Role
from domain.persistence.tables import Complaint, Trip
from domain.persistence.uow import Database
from tests.economy import buy, give_points, make_offer
from tests.helpers import bearer, citizen_login, make_merchant, make_operator, staff_login

ME = "/v1/me/complaints"
MERCHANT = "/v1/merchant/complaints"
ADMIN = "/v1/admin/complaints"


async def staff(client: AsyncTestClient, db: Database, role: Role) -> dict[str, str]:
    return bearer((await staff_login(client, db, role))["access_token"])


async def add_trip(db: Database, settings: Any, citizen_id: str) -> str:
    """A rejected bike trip of the citizen (stored as a feed would have stored it)."""
    operator_id, _, _ = await make_operator(db, DataProtector(settings.data_key), "bikeshare")
    now = utcnow()
    trip_id = uuid.uuid4().hex[:26].upper()
    async with db.unit_of_work() as uow:
        uow.session.add(
            Trip(
                id=trip_id,
                operator_id=operator_id,
                external_trip_id=uuid.uuid4().hex,
                account_hash="0" * 64,
                citizen_id=citizen_id,
                mode="bike",
                started_at=now - timedelta(minutes=20),
                ended_at=now - timedelta(minutes=5),
                day=shanghai_date(now),
                distance_m=3000,
                reduction_g=0,
                points=0,
                status="rejected",
                reason="too_fast",
                received_at=now,
                decided_at=now,
                fingerprint="f" * 64,
            )
        )
    return trip_id


async def citizen_with_voucher(client: AsyncTestClient, db: Database) -> dict[str, Any]:
    """A signed-in citizen holding one voucher of a fresh merchant."""
    citizen = await citizen_login(client)
    merchant_id = await make_merchant(db, f"Café {uuid.uuid4().hex[:6]}")
    await give_points(db, citizen["citizen_id"], 500)
    offer_id = await make_offer(db, merchant_id)
    r = await buy(client, citizen, offer_id)
    assert r.status_code == 201, r.text
    return {
        **citizen,
        "h": bearer(citizen["access_token"]),
        "merchant_id": merchant_id,
        "voucher": r.json(),
    }


async def backdate(db: Database, complaint_id: str, **due: Any) -> None:
    """Move a complaint's due instants (as if filed long ago)."""
    async with db.unit_of_work() as uow:
        c = await uow.complaints.get(complaint_id)
        assert isinstance(c, Complaint)
        for name, value in due.items():
            setattr(c, name, value)
