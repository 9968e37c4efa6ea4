from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, delete, func, select, text, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.persistence.bulk import as_utc, is_pg, lookup, utc_param
from domain.persistence.dialect import insert
from domain.persistence.repositories.districts import trip_in_district
from domain.persistence.tables import OpenTap, Trip


@dataclass(frozen=True, slots=True)
class StoredOutcome:
    id: str
    status: str
    points: int


class TripRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def existing(
        self, operator_id: str, external_ids: Iterable[str]
    ) -> dict[str, StoredOutcome]:
        """The stored outcome of those of these trips that are stored already."""
        rows = await lookup(
            self.session,
            Trip.__table__,
            ["external_trip_id", "id", "status", "points"],
            key="external_trip_id",
            values=sorted(set(external_ids)),
            where="t.operator_id = :op",
            params={"op": operator_id},
        )
        return {ext: StoredOutcome(id=i, status=s, points=p) for ext, i, s, p in rows}

    async def credited_overlapping(
        self, spans: dict[str, tuple[datetime, datetime]]
    ) -> list[tuple[str, datetime, datetime]]:
        """(citizen, start, end) of credited trips that may overlap each citizen's own span
        (a probe per citizen over ix_trips_citizen_ended, so a batch reads only what matters)."""
        if not spans:
            return []
        if not is_pg(self.session):
            lo = min(s for s, _ in spans.values())
            hi = max(e for _, e in spans.values())
            return [
                (c, s, e)
                for c, s, e in await self.credited_between(spans, lo, hi)
                if s < spans[c][1] and e > spans[c][0]
            ]
        citizens = sorted(spans)
        stmt = text(
            "SELECT t.citizen_id, t.started_at, t.ended_at FROM unnest("
            "CAST(:c AS VARCHAR(26)[]), CAST(:lo AS TIMESTAMPTZ[]), CAST(:hi AS TIMESTAMPTZ[])"
            ") AS u(c, lo, hi) CROSS JOIN LATERAL (SELECT citizen_id, started_at, ended_at "
            "FROM trips t WHERE t.citizen_id = u.c AND t.status = 'credited' "
            "AND t.ended_at > u.lo AND t.started_at < u.hi OFFSET 0) t"
        )
        params = {
            "c": citizens,
            "lo": [spans[c][0] for c in citizens],
            "hi": [spans[c][1] for c in citizens],
        }
        return [(c, s, e) for c, s, e in await self.session.execute(stmt, params)]

    async def credited_between(
        self, citizen_ids: Iterable[str], lo: datetime, hi: datetime
    ) -> list[tuple[str, datetime, datetime]]:
        """(citizen, start, end) of credited trips that may overlap [lo, hi]."""
        rows = await lookup(
            self.session,
            Trip.__table__,
            ["citizen_id", "started_at", "ended_at"],
            key="citizen_id",
            values=sorted(set(citizen_ids)),
            where="t.status = 'credited' AND t.ended_at > :lo AND t.started_at < :hi",
            params={"lo": utc_param(self.session, lo), "hi": utc_param(self.session, hi)},
        )
        return [(c, as_utc(s), as_utc(e)) for c, s, e in rows]

    async def update_outcomes(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            await self.session.execute(update(Trip), rows)

    async def pending_for(self, operator_id: str, account_hash: str) -> list[Trip]:
        stmt = (
            select(Trip)
            .where(
                Trip.operator_id == operator_id,
                Trip.account_hash == account_hash,
                Trip.status == "pending",
            )
            .order_by(Trip.ended_at)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def expire_pending(self, ended_before: datetime, now: datetime) -> int:
        stmt = (
            update(Trip)
            .where(Trip.status == "pending", Trip.ended_at < ended_before)
            .values(status="rejected", reason="unbound", decided_at=now)
        )
        return (await self.session.execute(stmt)).rowcount or 0

    async def of_citizen(
        self, citizen_id: str, *, before: tuple[datetime, str] | None, limit: int
    ) -> list[Trip]:
        stmt = (
            select(Trip)
            .where(Trip.citizen_id == citizen_id)
            .order_by(Trip.ended_at.desc(), Trip.id.desc())
            .limit(limit)
        )
        if before is not None:
            stmt = stmt.where(tuple_(Trip.ended_at, Trip.id) < before)
        return list((await self.session.execute(stmt)).scalars())

    async def erase_of_citizen(self, citizen_id: str, now: datetime) -> int:
        """Empty the citizen's trips of what links them to a person (account hash, stations,
        exact times); the aggregate facts and the fingerprint stay. Returns the rows erased."""
        stmt = (
            update(Trip)
            .where(Trip.citizen_id == citizen_id, Trip.erased_at.is_(None))
            .values(
                account_hash=None,
                origin=None,
                destination=None,
                started_at=None,
                ended_at=None,
                erased_at=now,
            )
            .execution_options(synchronize_session="fetch")
        )
        return (await self.session.execute(stmt)).rowcount or 0

    async def reconciliation(
        self, operator_id: str, day: date
    ) -> list[tuple[str, int, int, int, int]]:
        """(status, trips, distance_m, reduction_g, points) for trips that ended that day."""
        stmt = (
            select(
                Trip.status,
                func.count(),
                func.coalesce(func.sum(Trip.distance_m), 0),
                func.coalesce(func.sum(Trip.reduction_g), 0),
                func.coalesce(func.sum(Trip.points), 0),
            )
            .where(Trip.operator_id == operator_id, Trip.day == day)
            .group_by(Trip.status)
        )
        return [
            (s, int(n), int(d), int(g), int(p))
            for s, n, d, g, p in await self.session.execute(stmt)
        ]

    async def stats_by_day_mode(
        self, since: date, district: str | None = None
    ) -> list[tuple[date, str, int, int]]:
        """By day and mode; trips from the district's stations only, when given."""
        stmt = (
            select(Trip.day, Trip.mode, func.count(), func.coalesce(func.sum(Trip.reduction_g), 0))
            .where(Trip.status == "credited", Trip.day >= since)
            .group_by(Trip.day, Trip.mode)
            .order_by(Trip.day, Trip.mode)
        )
        if district is not None:
            stmt = stmt.where(trip_in_district(district))
        return [(d, m, int(n), int(g)) for d, m, n, g in await self.session.execute(stmt)]

    async def totals(self, district: str | None = None) -> tuple[int, int, int]:
        """(credited trips, grams, distinct citizens credited); from the district's stations
        only, when given."""
        stmt = select(
            func.count(),
            func.coalesce(func.sum(Trip.reduction_g), 0),
            func.count(func.distinct(Trip.citizen_id)),
        ).where(Trip.status == "credited")
        if district is not None:
            stmt = stmt.where(trip_in_district(district))
        n, g, c = (await self.session.execute(stmt)).one()
        return int(n), int(g), int(c)

    # raw metro taps -------------------------------------------------------------------------

    async def open_taps(self, operator_id: str, account_hashes: Iterable[str]) -> list[OpenTap]:
        """The taps of these accounts waiting for their pair (tap-ins and tap-outs)."""
        hashes = list(set(account_hashes))
        if not hashes:
            return []
        stmt = select(OpenTap).where(
            OpenTap.operator_id == operator_id, OpenTap.account_hash.in_(hashes)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def drop_open_taps_before(self, cutoff: datetime) -> int:
        """Forget waiting taps made before `cutoff` (of accounts no batch came back for)."""
        result = await self.session.execute(delete(OpenTap).where(OpenTap.tapped_at < cutoff))
        return result.rowcount or 0

    async def replace_open_taps(
        self, operator_id: str, account_hashes: Iterable[str], rows: list[dict[str, Any]]
    ) -> None:
        """These accounts' waiting taps become `rows`; a row already there (a concurrent batch
        kept the same tap) is kept once."""
        hashes = list(set(account_hashes))
        if hashes:
            await self.session.execute(
                delete(OpenTap).where(
                    and_(OpenTap.operator_id == operator_id, OpenTap.account_hash.in_(hashes))
                )
            )
        if rows:
            stmt = insert(self.session, OpenTap).on_conflict_do_nothing()
            await self.session.execute(stmt, rows)
