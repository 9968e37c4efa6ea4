"""Supervision: run every detector, each in its own transaction; a detector raises an alert once
per kind, subject and window however often it runs."""

from __future__ import annotations

from datetime import datetime

from domain.persistence.uow import Database
from domain.supervision.detectors import DETECTORS
from domain.supervision.thresholds import Thresholds


async def run(db: Database, now: datetime, thresholds: Thresholds) -> dict[str, int]:
    """Alerts newly raised, per kind."""
    raised: dict[str, int] = {}
    for kind, detect in DETECTORS.items():
        async with db.unit_of_work() as uow:
            raised[kind] = len(await detect(uow, now, thresholds))
    return raised
