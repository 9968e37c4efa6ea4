"""The hourly MDS pull: for each enabled bike-share feed, fetch the last full hour once.

Composition of the adapter (integrations/bikeshare) with the domain's ingest: each hour is
claimed in the database first, so at most one process pulls it; an hour the provider had not
ready yet, or that failed, is retried on later runs (up to MAX_ATTEMPTS).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from api.events import publish
from api.services import Services
from domain.trips.ingest import MAX_BATCH, ingest
from integrations.bikeshare.mds import read_mds_trips
from integrations.bikeshare.pull import MdsError, MdsHourNotReady, MdsPullClient

log = logging.getLogger("puhui.jobs.mds")
MAX_ATTEMPTS = 5
LOOKBACK_HOURS = 6
ClientFactory = Callable[..., MdsPullClient]


def last_full_hour(now: datetime) -> datetime:
    return now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)


async def pull_due(
    services: Services, now: datetime, client_factory: ClientFactory = MdsPullClient
) -> dict[str, str]:
    """Pull every enabled feed's due hours; returns {"<operator>@<hour>": status}."""
    async with services.db.unit_of_work() as uow:
        feeds = [
            (
                f.operator_id,
                f.base_url,
                f.mds_version,
                services.protector.decrypt(f.token_encrypted),
            )
            for f in await uow.feeds.enabled()
        ]
    outcome: dict[str, str] = {}
    newest = last_full_hour(now)
    for operator_id, base_url, version, token in feeds:
        async with client_factory(base_url=base_url, token=token, version=version) as client:
            for back in range(LOOKBACK_HOURS):
                hour = newest - timedelta(hours=back)
                status = await pull_hour(services, client, operator_id, hour, now)
                if status is not None:
                    outcome[f"{operator_id}@{hour.isoformat()}"] = status
    return outcome


async def pull_hour(
    services: Services, client: MdsPullClient, operator_id: str, hour: datetime, now: datetime
) -> str | None:
    async with services.db.unit_of_work() as uow:
        if not await uow.feeds.claim(operator_id, hour, now, MAX_ATTEMPTS):
            return None  # done already, or another process has it
    try:
        records = await client.trips_for_hour(hour)
    except MdsHourNotReady:
        return await _finish(services, operator_id, hour, now, "not_ready")
    except MdsError as exc:
        log.warning("mds pull failed", extra={"operator_id": operator_id, "code": exc.code})
        return await _finish(services, operator_id, hour, now, "failed", detail=exc.detail)
    credited = 0
    for start in range(0, len(records), MAX_BATCH):
        async with services.db.unit_of_work() as uow:
            items = read_mds_trips(records[start : start + MAX_BATCH])
            result = await ingest(uow, services.protector, operator_id, items, now)
            credited += result.summary["credited"]
        await publish(services.channels, services.redis, uow.events)
    return await _finish(
        services, operator_id, hour, now, "done", records=len(records), credited=credited
    )


async def _finish(
    services: Services, operator_id: str, hour: datetime, now: datetime, status: str, **kw: object
) -> str:
    async with services.db.unit_of_work() as uow:
        await uow.feeds.finish(operator_id, hour, status, now, **kw)
    return status
