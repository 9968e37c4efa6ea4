"""Staff dashboard figures: aggregates over trips, postings, vouchers and operators.

Days are Asia/Shanghai calendar days. Trips carry their day (`trips.day`); postings and vouchers
only a UTC instant, so the caller passes the day boundaries (computed in Python) and postings are
bucketed by a CASE over those boundaries: the same SQL on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import and_, case, func, literal_column, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.persistence.bulk import as_utc
from domain.persistence.repositories.districts import trip_in_district
from domain.persistence.tables import Offer, Operator, Posting, Trip, Voucher

ONE, ZERO = literal_column("1"), literal_column("0")


class DashboardRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def credited_by_day_mode(
        self, first: date, last: date, district: str | None = None
    ) -> list[tuple[date, str, int, int]]:
        """(day, mode, credited trips, grams) for the days first..last (trips from the
        district's stations only, when given)."""
        stmt = (
            select(Trip.day, Trip.mode, func.count(), func.coalesce(func.sum(Trip.reduction_g), 0))
            .where(Trip.status == "credited", Trip.day >= first, Trip.day <= last)
            .group_by(Trip.day, Trip.mode)
            .order_by(Trip.day, Trip.mode)
        )
        if district is not None:
            stmt = stmt.where(trip_in_district(district))
        return [(d, m, int(n), int(g)) for d, m, n, g in await self.session.execute(stmt)]

    async def active_citizens(self, first: date, last: date, district: str | None = None) -> int:
        """Distinct citizens with a credited trip on the days first..last (from the district's
        stations, when given)."""
        stmt = select(func.count(func.distinct(Trip.citizen_id))).where(
            Trip.status == "credited", Trip.day >= first, Trip.day <= last
        )
        if district is not None:
            stmt = stmt.where(trip_in_district(district))
        return int((await self.session.execute(stmt)).scalar_one())

    async def postings_by_bucket(
        self, bounds: Sequence[datetime], kinds: Sequence[str]
    ) -> list[tuple[int, str, int]]:
        """(bucket, kind, sum of amounts) of postings; bucket i is [bounds[i], bounds[i + 1])."""
        bucket = case(
            *[(Posting.created_at < hi, literal_column(str(i))) for i, hi in enumerate(bounds[1:])],
        ).label("bucket")
        inner = (
            select(bucket, Posting.kind.label("kind"), Posting.amount.label("amount"))
            .where(
                Posting.created_at >= bounds[0],
                Posting.created_at < bounds[-1],
                Posting.kind.in_(list(kinds)),
            )
            .subquery()
        )
        stmt = select(inner.c.bucket, inner.c.kind, func.sum(inner.c.amount)).group_by(
            inner.c.bucket, inner.c.kind
        )
        return [(int(b), k, int(s)) for b, k, s in await self.session.execute(stmt)]

    async def top_offers(
        self, lo: datetime, hi: datetime, limit: int
    ) -> list[tuple[str, str, str, int, int, int]]:
        """(offer, title, merchant, vouchers sold, vouchers redeemed, points of those sold)
        in [lo, hi), most sold first."""
        sold_in = and_(Voucher.created_at >= lo, Voucher.created_at < hi)
        redeemed_in = and_(
            Voucher.status == "redeemed", Voucher.redeemed_at >= lo, Voucher.redeemed_at < hi
        )
        sold = func.sum(case((sold_in, ONE), else_=ZERO)).label("sold")
        redeemed = func.sum(case((redeemed_in, ONE), else_=ZERO)).label("redeemed")
        points = func.sum(case((sold_in, Voucher.points), else_=ZERO)).label("points")
        stmt = (
            select(Offer.id, Offer.title, Offer.merchant_id, sold, redeemed, points)
            .join(Offer, Offer.id == Voucher.offer_id)
            .where(or_(sold_in, redeemed_in))
            .group_by(Offer.id, Offer.title, Offer.merchant_id)
            .order_by(sold.desc(), points.desc(), Offer.id)
            .limit(limit)
        )
        return [
            (o, t, m, int(s), int(r), int(p))
            for o, t, m, s, r, p in await self.session.execute(stmt)
        ]

    async def operator_activity(
        self, first: date, last: date
    ) -> list[tuple[str, str, str, datetime | None, int, int, int]]:
        """Every operator: (id, name, kind, latest received_at, trips received, credited,
        rejected) for trips that ended on the days first..last."""
        per_operator = (
            select(
                Trip.operator_id.label("operator_id"),
                func.count().label("received"),
                func.sum(case((Trip.status == "credited", ONE), else_=ZERO)).label("credited"),
                func.sum(case((Trip.status == "rejected", ONE), else_=ZERO)).label("rejected"),
                func.max(Trip.received_at).label("last_received"),
            )
            .where(Trip.day >= first, Trip.day <= last)
            .group_by(Trip.operator_id)
            .subquery()
        )
        stmt = (
            select(
                Operator.id,
                Operator.name,
                Operator.kind,
                per_operator.c.last_received,
                per_operator.c.received,
                per_operator.c.credited,
                per_operator.c.rejected,
            )
            .outerjoin(per_operator, per_operator.c.operator_id == Operator.id)
            .order_by(Operator.name, Operator.id)
        )
        return [
            (i, n, k, as_utc(t), int(r or 0), int(c or 0), int(x or 0))
            for i, n, k, t, r, c, x in await self.session.execute(stmt)
        ]
