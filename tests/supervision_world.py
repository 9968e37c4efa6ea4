"""Arranging supervision tests: trips stored as ingest stores them (rows inserted directly, with
the receipt times a test needs), staff headers, and the detectors run as the job runs them."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from domain.clock import shanghai_date
from domain.identity.principal import Role
from domain.ids import new_id
from domain.persistence.tables import Alert, Trip
from domain.persistence.uow import Database
from domain.supervision.thresholds import Thresholds
from jobs import supervision
from tests.helpers import bearer, staff_login


async def staff(client, db: Database, role: Role) -> dict[str, str]:
    return bearer((await staff_login(client, db, role))["access_token"])


def trip_row(
    operator_id: str, received_at: datetime, status: str = "credited", reason: str | None = None
) -> Trip:
    ended = received_at - timedelta(minutes=5)
    return Trip(
        id=new_id(),
        operator_id=operator_id,
        external_trip_id=uuid.uuid4().hex,
        account_hash=uuid.uuid4().hex,
        citizen_id=None,
        mode="bikeshare",
        started_at=ended - timedelta(minutes=15),
        ended_at=ended,
        day=shanghai_date(ended),
        distance_m=3000,
        reduction_g=0,
        points=0,
        status=status,
        reason=reason,
        methodology_code=None,
        methodology_version=None,
        origin=None,
        destination=None,
        received_at=received_at,
        decided_at=received_at,
        fingerprint=uuid.uuid4().hex * 2,
        erased_at=None,
    )


async def add_trips(
    db: Database,
    operator_id: str,
    times: list[datetime],
    status: str = "credited",
    reason: str | None = None,
) -> None:
    async with db.unit_of_work() as uow:
        for t in times:
            uow.session.add(trip_row(operator_id, t, status, reason))  # type: ignore[attr-defined]


async def detect(db: Database, now: datetime, **thresholds: Any) -> dict[str, int]:
    """Every detector, as the job runs them: alerts newly raised, per kind."""
    return await supervision.run(db, now, Thresholds(**thresholds))


async def alerts(db: Database, kind: str | None = None) -> list[Alert]:
    async with db.unit_of_work() as uow:
        stmt = select(Alert).order_by(Alert.id)
        if kind is not None:
            stmt = stmt.where(Alert.kind == kind)
        return list((await uow.session.execute(stmt)).scalars())  # type: ignore[attr-defined]
