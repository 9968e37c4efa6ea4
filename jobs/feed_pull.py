"""Pull mode: every enabled feed's due hours, through the one ingest use case."""

from __future__ import annotations

from datetime import datetime

from domain.persistence.uow import Database
from domain.trips.ingest import Intake
from domain.trips.pull import pull_due
from domain.trips.sources import SourceOpener
from integrations.sources import open_source as default_opener


async def run(
    db: Database, intake: Intake, now: datetime, open_source: SourceOpener = default_opener
) -> dict[str, str]:
    async with db.unit_of_work() as uow:
        return await pull_due(uow, intake, open_source, now)
