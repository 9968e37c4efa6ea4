"""The supervision detectors' queries: set-wise, one statement per detector and window, alike on
SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, NamedTuple

from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.persistence.bulk import as_utc, is_pg
from domain.persistence.tables import Issuance, MonitoringReport, Trip, Voucher

ONE, ZERO = literal(1), literal(0)
DUPLICATE_REASONS = ("overlap", "duplicate")
SIDE = ("id", "operator_id", "started_at", "ended_at", "status", "reason")


class OperatorRates(NamedTuple):
    operator_id: str
    trips: int  # received in the hour
    rejected: int
    duplicates: int
    base_trips: int  # received in the baseline window before it
    base_rejected: int
    base_duplicates: int


class TripSide(NamedTuple):
    trip_id: str
    operator_id: str
    started_at: datetime
    ended_at: datetime
    status: str
    reason: str | None


class OverlapPair(NamedTuple):
    citizen_id: str
    day: date
    first: TripSide
    second: TripSide


class Burst(NamedTuple):
    merchant_id: str
    store_id: str | None
    minute: datetime
    redemptions: int


class Overclaim(NamedTuple):
    report_id: str
    project_id: str
    verifier_org_id: str | None
    verified_t: int
    verified_at: datetime | None
    issuance_id: str
    issuance_status: str
    accepted_t: int
    decided_at: datetime | None
    reason: str | None


def _minute(session: AsyncSession, column: Any) -> Any:
    """The minute a timestamp falls in (UTC), as the backend writes it."""
    if is_pg(session):
        return func.date_trunc("minute", column)
    return func.strftime("%Y-%m-%d %H:%M", column)


def _as_minute(value: Any) -> datetime:
    if isinstance(value, str):  # SQLite: "YYYY-MM-DD HH:MM" in UTC
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    return as_utc(value).astimezone(UTC)  # PostgreSQL: in the session's time zone


class SupervisionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def operator_rates(
        self, start: datetime, end: datetime, base_start: datetime, day_from: date
    ) -> list[OperatorRates]:
        """Per operator, trips received in [start, end) and in [base_start, start): how many,
        how many rejected, how many rejected as a repeat of another trip. `day_from` bounds the
        trips' own days (over ix_trips_day_operator): trips that ended before it are left out."""
        in_hour = Trip.received_at >= start
        rejected = Trip.status == "rejected"
        duplicate = Trip.reason.in_(DUPLICATE_REASONS)

        def count(*conditions: Any) -> Any:
            return func.sum(case((and_(*conditions), ONE), else_=ZERO))

        stmt = (
            select(
                Trip.operator_id,
                count(in_hour),
                count(in_hour, rejected),
                count(in_hour, duplicate),
                count(~in_hour),
                count(~in_hour, rejected),
                count(~in_hour, duplicate),
            )
            .where(Trip.day >= day_from, Trip.received_at >= base_start, Trip.received_at < end)
            .group_by(Trip.operator_id)
            .order_by(Trip.operator_id)
        )
        return [
            OperatorRates(o, *(int(n or 0) for n in rest))
            for o, *rest in await self.session.execute(stmt)
        ]

    async def overlapping_trips(self, day_from: date, limit: int = 500) -> list[OverlapPair]:
        """Pairs of one citizen's trips on two operators whose times overlap, among trips that
        ended on or after `day_from` (erased trips have no times and are left out)."""
        a, b = aliased(Trip), aliased(Trip)
        stmt = (
            select(
                a.citizen_id,
                a.day,
                *(getattr(a, c) for c in SIDE),
                *(getattr(b, c) for c in SIDE),
            )
            .join(
                b,
                and_(
                    b.citizen_id == a.citizen_id,
                    b.operator_id > a.operator_id,
                    b.started_at < a.ended_at,
                    a.started_at < b.ended_at,
                ),
            )
            .where(a.citizen_id.is_not(None), a.day >= day_from, b.day >= day_from)
            .order_by(a.citizen_id, a.started_at, a.id, b.id)
            .limit(limit)
        )
        pairs = []
        for c, day, *rest in await self.session.execute(stmt):
            first = TripSide(rest[0], rest[1], as_utc(rest[2]), as_utc(rest[3]), *rest[4:6])
            second = TripSide(rest[6], rest[7], as_utc(rest[8]), as_utc(rest[9]), *rest[10:12])
            pairs.append(OverlapPair(c, day, first, second))
        return pairs

    async def redemption_bursts(self, since: datetime, more_than: int) -> list[Burst]:
        """Minutes (by when the scan happened) in which one store, or a merchant without a
        store, redeemed more than `more_than` vouchers, among redemptions recorded since
        `since`."""
        minute = _minute(self.session, Voucher.redeemed_at).label("minute")
        stmt = (
            select(Voucher.merchant_id, Voucher.store_id, minute, func.count())
            .where(Voucher.recorded_at >= since, Voucher.redeemed_at.is_not(None))
            .group_by(Voucher.merchant_id, Voucher.store_id, minute)
            .having(func.count() > more_than)
            .order_by(minute, Voucher.merchant_id)
        )
        return [
            Burst(m, s, _as_minute(t), int(n)) for m, s, t, n in await self.session.execute(stmt)
        ]

    async def overclaims(self, min_t: int) -> list[Overclaim]:
        """Verified monitoring reports whose issuance staff decided for at least `min_t` tonnes
        fewer than the verifier passed (a rejected issuance accepted none)."""
        accepted = case((Issuance.status == "issued", Issuance.quantity), else_=ZERO)
        stmt = (
            select(
                MonitoringReport.id,
                MonitoringReport.project_id,
                MonitoringReport.verifier_org_id,
                MonitoringReport.verified_t,
                MonitoringReport.decided_at,
                Issuance.id,
                Issuance.status,
                accepted,
                Issuance.decided_at,
                Issuance.reason,
            )
            .join(Issuance, Issuance.report_id == MonitoringReport.id)
            .where(
                MonitoringReport.status == "verified",
                or_(Issuance.status == "issued", Issuance.status == "rejected"),
                MonitoringReport.verified_t - accepted >= min_t,
            )
            .order_by(MonitoringReport.id)
        )
        return [
            Overclaim(r, p, v, int(t), as_utc(va), i, s, int(a), as_utc(d), why)
            for r, p, v, t, va, i, s, a, d, why in await self.session.execute(stmt)
        ]

    async def redeemed_in(
        self, merchant_id: str, store_id: str | None, start: datetime, end: datetime, limit: int
    ) -> list[str]:
        """Ids of vouchers a store (or a merchant without a store) redeemed in [start, end)."""
        store = Voucher.store_id.is_(None) if store_id is None else Voucher.store_id == store_id
        stmt = (
            select(Voucher.id)
            .where(
                Voucher.merchant_id == merchant_id,
                store,
                Voucher.redeemed_at >= start,
                Voucher.redeemed_at < end,
            )
            .order_by(Voucher.redeemed_at, Voucher.id)
            .limit(limit)
        )
        return list((await self.session.execute(stmt)).scalars())
