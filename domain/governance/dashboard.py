"""The staff dashboard: trips, reductions, points, offers and operator feeds over recent days,
and an operator's daily reconciliation. Days are Asia/Shanghai calendar days ending today."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import msgspec

from domain import districts
from domain.clock import SHANGHAI, shanghai_date
from domain.errors import InvalidInput, NotFound
from domain.persistence.uow import UnitOfWork

MAX_DAYS = 90
TOP_OFFERS = 5
# posting kind -> (figure, sign): "redeemed" is what vouchers took net of refunds
POINT_KINDS = {
    "earn": ("issued", 1),
    "redeem": ("redeemed", 1),
    "refund": ("redeemed", -1),
    "expire": ("expired", 1),
    "donate": ("donated", 1),
}


class ModeDay(msgspec.Struct, frozen=True):
    day: date
    mode: str
    credited_trips: int
    reduction_g: int


class PointsDay(msgspec.Struct):
    day: date
    issued: int = 0
    redeemed: int = 0
    expired: int = 0
    donated: int = 0


class PointsTotals(msgspec.Struct):
    issued: int = 0
    redeemed: int = 0
    expired: int = 0
    donated: int = 0


class TopOffer(msgspec.Struct, frozen=True):
    offer_id: str
    title: str
    merchant_id: str
    vouchers_sold: int
    vouchers_redeemed: int
    points: int


class OperatorActivity(msgspec.Struct, frozen=True):
    operator_id: str
    name: str
    kind: str
    last_trip_received_at: datetime | None
    received: int
    credited: int
    rejected: int
    reject_rate: float  # rejected / received, 4 places; 0 when nothing was received


class Places(msgspec.Struct, frozen=True):
    """Places that carry a district (in the district cut by, or all)."""

    projects: int  # registered
    stores: int
    public_institutions: int  # active


class Dashboard(msgspec.Struct, frozen=True):
    days: list[date]
    by_day_mode: list[ModeDay]
    active_citizens: int
    points_by_day: list[PointsDay]
    totals: PointsTotals
    top_offers: list[TopOffer]
    operators: list[OperatorActivity]
    # ?district=: by_day_mode and active_citizens count trips from the district's stations and
    # `places` the district's; points, offers and operators stay city-wide (named in `cut`)
    district: str | None = None
    cut_by_district: list[str] = msgspec.field(default_factory=list)
    places: Places | None = None
    open_alerts: int = 0  # supervision alerts not yet resolved (GET /v1/admin/alerts)
    complaints_open: int = 0  # not yet resolved (GET /v1/admin/complaints?status=unresolved)
    complaints_breached: int = 0  # of those, past an SLA clock (&breached=true)


class StatusFigures(msgspec.Struct, frozen=True):
    trips: int
    distance_m: int
    reduction_g: int
    points: int


def period(today: date, days: int) -> list[date]:
    """The `days` Shanghai days ending with `today`, oldest first."""
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput(f"days must be between 1 and {MAX_DAYS}", code="bad_days")
    return [today - timedelta(days=n) for n in range(days - 1, -1, -1)]


def day_bounds(days: list[date]) -> list[datetime]:
    """UTC instants at which each day starts in Shanghai, plus the end of the last day."""
    edges = [*days, days[-1] + timedelta(days=1)]
    return [datetime.combine(d, time(0), tzinfo=SHANGHAI).astimezone(UTC) for d in edges]


def reject_rate(rejected: int, received: int) -> float:
    return round(rejected / received, 4) if received else 0.0


async def dashboard(
    uow: UnitOfWork, now: datetime, days: int, district: str | None = None
) -> Dashboard:
    district = districts.optional(district)
    span = period(shanghai_date(now), days)
    first, last = span[0], span[-1]
    bounds = day_bounds(span)
    repo = uow.dashboard
    complaints_open, complaints_breached = await uow.complaints.counts(now)

    by_day = [PointsDay(day=d) for d in span]
    totals = PointsTotals()
    for bucket, kind, amount in await repo.postings_by_bucket(bounds, list(POINT_KINDS)):
        figure, sign = POINT_KINDS[kind]
        row = by_day[bucket]
        setattr(row, figure, getattr(row, figure) + sign * amount)
        setattr(totals, figure, getattr(totals, figure) + sign * amount)

    return Dashboard(
        days=span,
        by_day_mode=[
            ModeDay(day=d, mode=m, credited_trips=n, reduction_g=g)
            for d, m, n, g in await repo.credited_by_day_mode(first, last, district)
        ],
        active_citizens=await repo.active_citizens(first, last, district),
        points_by_day=by_day,
        totals=totals,
        top_offers=[
            TopOffer(
                offer_id=o,
                title=t,
                merchant_id=m,
                vouchers_sold=s,
                vouchers_redeemed=r,
                points=p,
            )
            for o, t, m, s, r, p in await repo.top_offers(bounds[0], bounds[-1], TOP_OFFERS)
        ],
        operators=[
            OperatorActivity(
                operator_id=i,
                name=n,
                kind=k,
                last_trip_received_at=t,
                received=r,
                credited=c,
                rejected=x,
                reject_rate=reject_rate(x, r),
            )
            for i, n, k, t, r, c, x in await repo.operator_activity(first, last)
        ],
        district=district,
        cut_by_district=[] if district is None else ["by_day_mode", "active_citizens", "places"],
        places=Places(*await uow.districts.places(district)),
        open_alerts=await uow.alerts.count_open(),
        complaints_open=complaints_open,
        complaints_breached=complaints_breached,
    )


async def reconciliation(
    uow: UnitOfWork, operator_id: str, day: date
) -> tuple[dict[str, StatusFigures], StatusFigures]:
    """Per status and in total, for an operator's trips that ended that Shanghai day: the same
    figures the operator reads at GET /v1/operators/{id}/reconciliation."""
    if await uow.operators.get(operator_id) is None:
        raise NotFound("no such operator", code="operator_not_found")
    statuses = {
        s: StatusFigures(trips=n, distance_m=d, reduction_g=g, points=p)
        for s, n, d, g, p in await uow.trips.reconciliation(operator_id, day)
    }
    total = StatusFigures(
        trips=sum(f.trips for f in statuses.values()),
        distance_m=sum(f.distance_m for f in statuses.values()),
        reduction_g=sum(f.reduction_g for f in statuses.values()),
        points=sum(f.points for f in statuses.values()),
    )
    return statuses, total
