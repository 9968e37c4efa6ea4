"""Aggregations of citizens' credited Class I grams: the rows, and the two independent sums
behind them, one from the trips as decided and one from the citizens' ledger postings.

A trip counts the grams behind the points it earned (METHODOLOGY.md): all its `reduction_g`
when it earned its full points (`points == reduction_g // grams_per_point`, written without a
division as `reduction_g < (points + 1) * grams_per_point`), else `points * grams_per_point`,
the part below the daily points cap. Capped trips (and any trip without points) count nothing.
`grams_per_point` is per methodology version; the caller passes them as `{version: gpp}`, which
also restricts the sums to those (Class I) versions.

Days are Shanghai days bucketed by a CASE over UTC bounds computed in Python (as the dashboard
does), so the same SQL runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, func, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.persistence.tables import Aggregation, Posting, Trip

Figures = list[tuple[int, str, int, int]]  # (day index, mode, trips, grams)


def _counted(grams: Any, points: Any, gpp: Any) -> Any:
    return case((grams < (points + 1) * gpp, grams), else_=points * gpp)


def _gpp(versions: Mapping[int, int]) -> Any:
    return case(
        *[(Trip.methodology_version == v, literal_column(str(int(g)))) for v, g in versions.items()]
    )


def _bucket(column: Any, bounds: Sequence[datetime]) -> Any:
    return case(*[(column < hi, literal_column(str(i))) for i, hi in enumerate(bounds[1:])]).label(
        "bucket"
    )


def _of_code(code: str, versions: Mapping[int, int]) -> Any:
    return and_(Trip.methodology_code == code, Trip.methodology_version.in_(list(versions)))


class AggregationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, aggregation: Aggregation) -> None:
        self.session.add(aggregation)

    async def get(self, aggregation_id: str) -> Aggregation | None:
        return await self.session.get(Aggregation, aggregation_id)

    async def list(self, *, code: str | None, after: str | None, limit: int) -> list[Aggregation]:
        stmt = select(Aggregation).order_by(Aggregation.id).limit(limit)
        if code:
            stmt = stmt.where(Aggregation.methodology_code == code)
        if after:
            stmt = stmt.where(Aggregation.id > after)
        return list((await self.session.execute(stmt)).scalars())

    async def overlapping(self, code: str, start: date, end: date) -> list[Aggregation]:
        stmt = select(Aggregation).where(
            Aggregation.methodology_code == code,
            Aggregation.period_start <= end,
            Aggregation.period_end >= start,
        )
        return list((await self.session.execute(stmt)).scalars())

    async def previous(self, code: str, start: date) -> Aggregation | None:
        """The latest aggregation of the code ending before `start`: its remainder carries in."""
        stmt = (
            select(Aggregation)
            .where(Aggregation.methodology_code == code, Aggregation.period_end < start)
            .order_by(Aggregation.period_end.desc())
            .limit(1)
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def later(self, code: str, end: date) -> Aggregation | None:
        stmt = (
            select(Aggregation)
            .where(Aggregation.methodology_code == code, Aggregation.period_start > end)
            .limit(1)
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def credited(
        self, code: str, versions: Mapping[int, int], bounds: Sequence[datetime], since: date
    ) -> Figures:
        """Trips credited (decided) in [bounds[0], bounds[-1]) under `versions`, as decided:
        still credited, or reversed since. `since` is the earliest end day such a trip can have
        (its decision lies at most the acceptance and pending windows after its end): it lets
        the index on trips.day narrow the scan."""
        inner = (
            select(
                _bucket(Trip.decided_at, bounds),
                Trip.mode.label("mode"),
                _counted(Trip.reduction_g, Trip.points, _gpp(versions)).label("grams"),
            )
            .where(
                Trip.day >= since,
                Trip.decided_at >= bounds[0],
                Trip.decided_at < bounds[-1],
                Trip.status.in_(("credited", "reversed")),
                Trip.points > 0,
                _of_code(code, versions),
            )
            .subquery()
        )
        return await self._figures(inner)

    async def reversed(
        self, code: str, versions: Mapping[int, int], bounds: Sequence[datetime]
    ) -> Figures:
        """Trips whose `reverse` posting lies in the range, with the grams they had counted."""
        inner = (
            select(
                _bucket(Posting.created_at, bounds),
                Trip.mode.label("mode"),
                _counted(Trip.reduction_g, Trip.points, _gpp(versions)).label("grams"),
            )
            .select_from(Posting)
            .join(Trip, Trip.id == Posting.trip_id)
            .where(
                Posting.kind == "reverse",
                Posting.created_at >= bounds[0],
                Posting.created_at < bounds[-1],
                Trip.status == "reversed",
                Trip.points > 0,
                _of_code(code, versions),
            )
            .subquery()
        )
        return await self._figures(inner)

    async def _figures(self, inner: Any) -> Figures:
        stmt = select(
            inner.c.bucket, inner.c.mode, func.count(), func.coalesce(func.sum(inner.c.grams), 0)
        ).group_by(inner.c.bucket, inner.c.mode)
        return [(int(b), m, int(n), int(g)) for b, m, n, g in await self.session.execute(stmt)]

    async def ledger_side(
        self, code: str, versions: Mapping[int, int], lo: datetime, hi: datetime
    ) -> tuple[int, int]:
        """(trips, grams) as the citizens' ledger recorded them in [lo, hi): each `earn`
        posting's trip with the grams behind the points it posted, less each `reverse` posting's
        trip with the grams behind the points its `earn` posting had posted."""
        gpp = _gpp(versions)
        earned = (
            select(
                func.count(),
                func.coalesce(func.sum(_counted(Trip.reduction_g, Posting.amount, gpp)), 0),
            )
            .select_from(Posting)
            .join(Trip, Trip.id == Posting.trip_id)
            .where(
                Posting.kind == "earn",
                Posting.created_at >= lo,
                Posting.created_at < hi,
                _of_code(code, versions),
            )
        )
        earn = aliased(Posting)
        undone = (
            select(
                func.count(),
                func.coalesce(func.sum(_counted(Trip.reduction_g, earn.amount, gpp)), 0),
            )
            .select_from(Posting)
            .join(Trip, Trip.id == Posting.trip_id)
            .join(earn, and_(earn.trip_id == Posting.trip_id, earn.kind == "earn"))
            .where(
                Posting.kind == "reverse",
                Posting.created_at >= lo,
                Posting.created_at < hi,
                _of_code(code, versions),
            )
        )
        n1, g1 = (await self.session.execute(earned)).one()
        n2, g2 = (await self.session.execute(undone)).one()
        return int(n1) - int(n2), int(g1) - int(g2)
