"""An operator's hourly reject or duplicate rate well above its own baseline.

Per complete hour (by when trips reached us): rejected trips, and trips rejected as a repeat of
another (`overlap`: the same journey sent again under another id), over the trips received. It
fires when the hour had at least `rate_min_trips` trips, the baseline window had as many, and the
hour's rate is at least `rate_factor` times the baseline's (a baseline counts as at least
`rate_floor_percent` %, so a clean operator's one bad trip does not fire)."""

from __future__ import annotations

from datetime import datetime, timedelta
from fractions import Fraction

from domain.clock import shanghai_date
from domain.persistence.repositories.supervision import OperatorRates
from domain.persistence.tables import Alert
from domain.persistence.uow import UnitOfWork
from domain.supervision.alerts import raise_alert
from domain.supervision.thresholds import Thresholds

KIND = "operator_rate"
ACCEPTANCE_DAYS = 8  # trips that ended earlier than this before the baseline are too_old anyway


def hours_to_check(now: datetime, count: int) -> list[datetime]:
    """The starts of the last `count` complete hours, oldest first."""
    top = now.replace(minute=0, second=0, microsecond=0)
    return [top - timedelta(hours=n) for n in range(count, 0, -1)]


def findings(row: OperatorRates, t: Thresholds) -> list[tuple[str, int, int]]:
    """(metric, in the hour, in the baseline) for each rate that fires."""
    if row.trips < t.rate_min_trips or row.base_trips < t.rate_min_trips:
        return []
    floor = Fraction(t.rate_floor_percent, 100)
    fired = []
    for metric, n, base in (
        ("reject", row.rejected, row.base_rejected),
        ("duplicate", row.duplicates, row.base_duplicates),
    ):
        baseline = max(Fraction(base, row.base_trips), floor)
        if n and Fraction(n, row.trips) >= t.rate_factor * baseline:
            fired.append((metric, n, base))
    return fired


def _percent(n: int, d: int) -> float:
    return round(100 * n / d, 2) if d else 0.0


async def detect(uow: UnitOfWork, now: datetime, t: Thresholds) -> list[Alert]:
    raised: list[Alert] = []
    for start in hours_to_check(now, t.rate_hours):
        end = start + timedelta(hours=1)
        base_start = start - timedelta(days=t.rate_baseline_days)
        day_from = shanghai_date(base_start) - timedelta(days=ACCEPTANCE_DAYS)
        for row in await uow.supervision.operator_rates(start, end, base_start, day_from):
            for metric, n, base in findings(row, t):
                alert = await raise_alert(
                    uow,
                    kind=KIND,
                    subject_type="operator",
                    subject_id=row.operator_id,
                    window=f"{metric}:{start.isoformat()}",
                    summary=(
                        f"{metric} rate {_percent(n, row.trips)} % in the hour from "
                        f"{start.isoformat()}, baseline {_percent(base, row.base_trips)} %"
                    ),
                    evidence={
                        "operator_id": row.operator_id,
                        "metric": metric,
                        "window": {"start": start.isoformat(), "end": end.isoformat()},
                        "trips": row.trips,
                        "count": n,
                        "rate_percent": _percent(n, row.trips),
                        "baseline": {
                            "start": base_start.isoformat(),
                            "end": start.isoformat(),
                            "trips": row.base_trips,
                            "count": base,
                            "rate_percent": _percent(base, row.base_trips),
                        },
                        "factor": t.rate_factor,
                        "floor_percent": t.rate_floor_percent,
                        "min_trips": t.rate_min_trips,
                    },
                    now=now,
                )
                if alert is not None:
                    raised.append(alert)
    return raised
