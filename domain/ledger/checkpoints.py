"""Daily checkpoints: a Merkle root over every account's chain head, plus the day's totals.

Registry holding accounts are chained accounts, so their heads are leaves like citizens'. The
day's registry figures (movements, tonnes issued, tonnes finally retired) are one more leaf, on
days that had registry movements only: the roots of days before the registry stay as published.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time, timedelta

from domain.clock import SHANGHAI, shanghai_date
from domain.ledger.chain import merkle_root
from domain.persistence.tables import Checkpoint
from domain.persistence.uow import UnitOfWork


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=SHANGHAI)
    return start, start + timedelta(days=1)


def leaf(account_id: str, seq: int, head: str) -> str:
    return hashlib.sha256(f"{account_id}|{seq}|{head}".encode()).hexdigest()


def registry_leaf(day: date, movements: int, issued: int, retired: int) -> str:
    return hashlib.sha256(f"registry|{day}|{movements}|{issued}|{retired}".encode()).hexdigest()


async def heads_at(uow: UnitOfWork, moment: datetime) -> list[str]:
    """Each chained account's head as of `moment` (its last posting before it), as leaves."""
    return [leaf(a, s, h) for a, s, h in await uow.checkpoints.heads_at(moment)]


async def compute(uow: UnitOfWork, day: date, now: datetime) -> dict:
    start, end = day_bounds(day)
    leaves = await heads_at(uow, end)
    postings, issued = await uow.checkpoints.posting_totals(start, end)
    trips, grams = await uow.checkpoints.credited_totals(day)
    movements, units_issued, units_retired = await uow.checkpoints.registry_totals(start, end)
    accounts = len(leaves)
    if movements:
        leaves.append(registry_leaf(day, movements, units_issued, units_retired))
    return {
        "day": day,
        "merkle_root": merkle_root(leaves),
        "accounts": accounts,
        "postings": postings,
        "points_issued": issued,
        "reduction_g": grams,
        "credited_trips": trips,
        "registry_movements": movements,
        "units_issued": units_issued,
        "units_retired": units_retired,
        "created_at": now,
    }


async def publish(uow: UnitOfWork, day: date, now: datetime) -> Checkpoint:
    """Write the day's checkpoint once (a second run keeps the first)."""
    return await uow.checkpoints.add_once(await compute(uow, day, now))


async def recent(uow: UnitOfWork, limit: int, before: date | None) -> list[Checkpoint]:
    return await uow.checkpoints.recent(limit, before)


async def publish_day(uow: UnitOfWork, now: datetime, day: date | None = None) -> Checkpoint | None:
    """Checkpoint `day` (default: yesterday in Shanghai). Once per day across replicas (a
    database job lock); None when another process holds it."""
    day = day or shanghai_date(now) - timedelta(days=1)
    if not await uow.jobs.try_lock(f"checkpoint:{day.isoformat()}"):
        return None
    return await publish(uow, day, now)
