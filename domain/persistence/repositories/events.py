"""What carbon-neutral events read and write: factor sets, events, and the retirements that
neutralise them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.persistence.tables.events import CarbonEvent, EventFactorSet, EventRetirement
from domain.persistence.tables.organisations import Organisation
from domain.persistence.tables.registry import Retirement


class EventRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # Factor sets

    def add_factor_set(self, row: EventFactorSet) -> None:
        self.session.add(row)

    async def factor_sets(self, code: str) -> list[EventFactorSet]:
        """Every version of `code`, newest first."""
        stmt = (
            select(EventFactorSet)
            .where(EventFactorSet.code == code)
            .order_by(EventFactorSet.version.desc())
        )
        return list((await self.session.execute(stmt)).scalars())

    async def latest_factor_set(self, code: str) -> EventFactorSet | None:
        stmt = (
            select(EventFactorSet)
            .where(EventFactorSet.code == code)
            .order_by(EventFactorSet.version.desc())
            .limit(1)
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def factor_set(self, code: str, version: int) -> EventFactorSet | None:
        stmt = select(EventFactorSet).where(
            EventFactorSet.code == code, EventFactorSet.version == version
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    # Events

    def add(self, event: CarbonEvent) -> None:
        self.session.add(event)

    async def event(self, event_id: str, *, for_update: bool = False) -> CarbonEvent | None:
        stmt = select(CarbonEvent).where(CarbonEvent.id == event_id)
        if for_update:
            stmt = stmt.with_for_update()
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def of_org(self, org_id: str, *, before: str | None, limit: int) -> list[CarbonEvent]:
        """The organisation's events, newest first (ids are time-ordered)."""
        stmt = (
            select(CarbonEvent)
            .where(CarbonEvent.org_id == org_id)
            .order_by(CarbonEvent.id.desc())
            .limit(limit)
        )
        if before:
            stmt = stmt.where(CarbonEvent.id < before)
        return list((await self.session.execute(stmt)).scalars())

    async def organiser(self, org_id: str) -> str:
        name = await self.session.scalar(select(Organisation.name).where(Organisation.id == org_id))
        return name or ""

    # Their retirements

    def link(self, row: EventRetirement) -> None:
        self.session.add(row)

    async def tonnes_retired(self, event_ids: Sequence[str]) -> dict[str, int]:
        """Event id -> tonnes retired for it so far (events with none are left out)."""
        if not event_ids:
            return {}
        stmt = (
            select(EventRetirement.event_id, func.sum(EventRetirement.quantity))
            .where(EventRetirement.event_id.in_(event_ids))
            .group_by(EventRetirement.event_id)
        )
        return {e: int(total) for e, total in (await self.session.execute(stmt)).all()}

    async def retirements(self, event_ids: Sequence[str]) -> dict[str, list[Retirement]]:
        """Event id -> the retirements made for it, oldest first (events with none left out)."""
        if not event_ids:
            return {}
        stmt = (
            select(EventRetirement.event_id, Retirement)
            .join(Retirement, Retirement.id == EventRetirement.retirement_id)
            .where(EventRetirement.event_id.in_(event_ids))
            .order_by(EventRetirement.created_at, Retirement.id)
        )
        out: dict[str, list[Retirement]] = {}
        for event_id, retirement in (await self.session.execute(stmt)).all():
            out.setdefault(event_id, []).append(retirement)
        return out

    async def of_retirement(self, retirement_id: str) -> CarbonEvent | None:
        """The event a retirement was made for, if any."""
        stmt = (
            select(CarbonEvent)
            .join(EventRetirement, EventRetirement.event_id == CarbonEvent.id)
            .where(EventRetirement.retirement_id == retirement_id)
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()
