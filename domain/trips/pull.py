"""Pull mode: for each enabled feed, fetch each due hour once and ingest it page by page.

Hours are taken oldest first; an hour that is not ready or failed does not hold up the newer
ones, for any format (raw taps pair in whatever order their hours come: a tap-out read first waits
for its tap-in, integrations/metro/taps.py).

Each hour is claimed in the database first (a stage of its own), so at most one process pulls it;
an hour the provider had not ready yet, or that failed, is retried on later runs (up to
MAX_ATTEMPTS). No connection is held while the provider is asked: every database step is a
committed stage of the job's unit of work. Records go through the same ingest use case as a
pushed batch, with the reader registered for the feed's format.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from domain.persistence.uow import UnitOfWork
from domain.trips.ingest import MAX_BATCH, Intake, ingest_records
from domain.trips.readers import Format
from domain.trips.sources import FeedSource, HourNotReady, PullFailed, PullTarget, SourceOpener

log = logging.getLogger("puhui.jobs.pull")
MAX_ATTEMPTS = 5
LOOKBACK_HOURS = 6


def last_full_hour(now: datetime) -> datetime:
    return now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)


async def pull_due(
    uow: UnitOfWork, intake: Intake, open_source: SourceOpener, now: datetime
) -> dict[str, str]:
    """Pull every enabled feed's due hours; returns {"<operator>@<hour>": status}."""
    targets: list[tuple[PullTarget, Format]] = []
    for feed in await uow.feeds.enabled():
        operator = await uow.operators.get(feed.operator_id)
        if operator is None or not operator.active:
            continue
        fmt = intake.readers.named(feed.format, operator.kind)
        token = intake.protector.decrypt(feed.token_encrypted)
        targets.append((PullTarget(operator.id, feed.base_url, token, fmt.name, fmt.records), fmt))
    await uow.commit_stage()  # nothing is held while the providers answer
    outcome: dict[str, str] = {}
    newest = last_full_hour(now)
    for target, fmt in targets:
        async with open_source(target) as source:
            for back in reversed(range(LOOKBACK_HOURS)):
                hour = newest - timedelta(hours=back)
                status = await pull_hour(uow, intake, source, target.operator_id, fmt, hour, now)
                if status is not None:
                    outcome[f"{target.operator_id}@{hour.isoformat()}"] = status
    return outcome


async def pull_hour(
    uow: UnitOfWork,
    intake: Intake,
    source: FeedSource,
    operator_id: str,
    fmt: Format,
    hour: datetime,
    now: datetime,
) -> str | None:
    claimed = await uow.feeds.claim(operator_id, hour, now, MAX_ATTEMPTS)
    await uow.commit_stage()
    if not claimed:
        return None  # done already, or another process has it
    try:
        records = await source.records_for_hour(hour)
    except HourNotReady:
        return await _finish(uow, operator_id, hour, now, "not_ready")
    except PullFailed as exc:
        log.warning("pull failed", extra={"operator_id": operator_id, "code": exc.code})
        return await _finish(uow, operator_id, hour, now, "failed", detail=exc.detail)
    credited = 0
    for start in range(0, len(records), MAX_BATCH):
        page = records[start : start + MAX_BATCH]
        result = await ingest_records(uow, intake, operator_id, fmt, page, now)
        credited += result.summary["credited"]
        await uow.commit_stage()
    return await _finish(
        uow, operator_id, hour, now, "done", records=len(records), credited=credited
    )


async def _finish(
    uow: UnitOfWork, operator_id: str, hour: datetime, now: datetime, status: str, **kw: object
) -> str:
    await uow.feeds.finish(operator_id, hour, status, now, **kw)
    await uow.commit_stage()
    return status
