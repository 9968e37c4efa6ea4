"""Daily checkpoints: a Merkle root over every account's chain head, plus the day's totals."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from domain.clock import SHANGHAI
from domain.ledger.chain import merkle_root
from domain.persistence.dialect import insert
from domain.persistence.tables import Checkpoint, Posting, Trip
from domain.persistence.uow import UnitOfWork


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=SHANGHAI)
    return start, start + timedelta(days=1)


def leaf(account_id: str, seq: int, head: str) -> str:
    return hashlib.sha256(f"{account_id}|{seq}|{head}".encode()).hexdigest()


async def heads_at(uow: UnitOfWork, moment: datetime) -> list[str]:
    """Each chained account's head as of `moment` (its last posting before it), as leaves."""
    last = (
        select(Posting.chain_account, func.max(Posting.seq).label("seq"))
        .where(Posting.created_at < moment)
        .group_by(Posting.chain_account)
        .subquery()
    )
    stmt = (
        select(Posting.chain_account, Posting.seq, Posting.hash)
        .join(last, (Posting.chain_account == last.c.chain_account) & (Posting.seq == last.c.seq))
        .order_by(Posting.chain_account)
    )
    return [leaf(a, s, h) for a, s, h in await uow.session.execute(stmt)]


async def compute(uow: UnitOfWork, day: date, now: datetime) -> dict:
    start, end = day_bounds(day)
    leaves = await heads_at(uow, end)
    postings, issued = (
        await uow.session.execute(
            select(
                func.count(),
                func.coalesce(func.sum(Posting.amount).filter(Posting.kind == "earn"), 0),
            ).where(Posting.created_at >= start, Posting.created_at < end)
        )
    ).one()
    trips, grams = (
        await uow.session.execute(
            select(func.count(), func.coalesce(func.sum(Trip.reduction_g), 0)).where(
                Trip.status == "credited", Trip.day == day
            )
        )
    ).one()
    return {
        "day": day,
        "merkle_root": merkle_root(leaves),
        "accounts": len(leaves),
        "postings": int(postings),
        "points_issued": int(issued),
        "reduction_g": int(grams),
        "credited_trips": int(trips),
        "created_at": now,
    }


async def publish(uow: UnitOfWork, day: date, now: datetime) -> Checkpoint:
    """Write the day's checkpoint once (a second run keeps the first)."""
    row = await compute(uow, day, now)
    await uow.session.execute(insert(uow.session, Checkpoint).on_conflict_do_nothing(), [row])
    return await uow.session.get(Checkpoint, day)


async def recent(uow: UnitOfWork, limit: int, before: date | None) -> list[Checkpoint]:
    stmt = select(Checkpoint).order_by(Checkpoint.day.desc()).limit(limit)
    if before is not None:
        stmt = stmt.where(Checkpoint.day < before)
    return list((await uow.session.execute(stmt)).scalars())
