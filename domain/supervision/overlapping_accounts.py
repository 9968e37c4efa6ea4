"""One person in two places: a citizen's accounts on two operators travelling at overlapping
times (a shared or cloned card). One alert per citizen and Shanghai day, listing the pairs.
Overlaps shorter than `overlap_min_seconds` (clocks of two operators differ a little) are quiet."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from domain.clock import shanghai_date
from domain.persistence.repositories.supervision import OverlapPair, TripSide
from domain.persistence.tables import Alert
from domain.persistence.uow import UnitOfWork
from domain.supervision.alerts import raise_alert
from domain.supervision.thresholds import Thresholds

KIND = "overlapping_account"
MAX_PAIRS = 20  # pairs kept as evidence per alert


def overlap_seconds(pair: OverlapPair) -> int:
    start = max(pair.first.started_at, pair.second.started_at)
    end = min(pair.first.ended_at, pair.second.ended_at)
    return int((end - start).total_seconds())


def _side(t: TripSide) -> dict:
    return {
        "trip_id": t.trip_id,
        "operator_id": t.operator_id,
        "started_at": t.started_at.isoformat(),
        "ended_at": t.ended_at.isoformat(),
        "status": t.status,
        "reason": t.reason,
    }


async def detect(uow: UnitOfWork, now: datetime, t: Thresholds) -> list[Alert]:
    day_from = shanghai_date(now - timedelta(hours=t.overlap_lookback_hours))
    found: dict[tuple[str, date], list[OverlapPair]] = defaultdict(list)
    for pair in await uow.supervision.overlapping_trips(day_from):
        if overlap_seconds(pair) >= t.overlap_min_seconds:
            found[(pair.citizen_id, pair.day)].append(pair)
    raised: list[Alert] = []
    for (citizen_id, day), pairs in found.items():
        operators = sorted(
            {p.first.operator_id for p in pairs} | {p.second.operator_id for p in pairs}
        )
        alert = await raise_alert(
            uow,
            kind=KIND,
            subject_type="citizen",
            subject_id=citizen_id,
            window=day.isoformat(),
            summary=(
                f"{len(pairs)} overlapping trip pair(s) on operators {', '.join(operators)} "
                f"on {day.isoformat()}"
            ),
            evidence={
                "citizen_id": citizen_id,
                "day": day.isoformat(),
                "operators": operators,
                "pairs": [
                    {
                        "overlap_seconds": overlap_seconds(p),
                        "first": _side(p.first),
                        "second": _side(p.second),
                    }
                    for p in pairs[:MAX_PAIRS]
                ],
                "pair_count": len(pairs),
                "min_overlap_seconds": t.overlap_min_seconds,
            },
            now=now,
        )
        if alert is not None:
            raised.append(alert)
    return raised
