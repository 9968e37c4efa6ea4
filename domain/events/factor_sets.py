"""Use cases: publishing a new version of the event factor set (staff, audited), and reading
them. Versions are published like methodologies and never edited: the newest is in force, and
every event keeps the version it was computed with."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from domain.errors import Conflict, NotFound
from domain.events.factors import CODE, Factor, checked_factors, checked_title, to_json
from domain.governance.audit import Actor, record
from domain.ids import new_id
from domain.persistence.tables import EventFactorSet
from domain.persistence.uow import UnitOfWork


async def publish(
    uow: UnitOfWork, actor: Actor, *, title: str, factors: Mapping[str, Factor], now: datetime
) -> EventFactorSet:
    """Publish the next version of the factor set, in force from now."""
    checked = checked_factors(factors)
    title = checked_title(title)
    before = await uow.carbon_events.latest_factor_set(CODE)
    row = EventFactorSet(
        id=new_id(),
        code=CODE,
        version=(before.version if before else 0) + 1,
        title=title,
        factors=to_json(checked),
        published_by=actor.id,
        published_at=now,
    )
    uow.carbon_events.add_factor_set(row)
    record(
        uow,
        actor,
        "event_factor_set.publish",
        "event_factor_set",
        row.id,
        _summary(before) if before else None,
        _summary(row),
        now,
    )
    return row


async def in_force(uow: UnitOfWork) -> EventFactorSet:
    """The newest published version (EVT v1 is installed by the migrations)."""
    row = await uow.carbon_events.latest_factor_set(CODE)
    if row is None:
        raise Conflict("no event factor set is published", code="no_factor_set")
    return row


async def versions(uow: UnitOfWork) -> list[EventFactorSet]:
    return await uow.carbon_events.factor_sets(CODE)


async def version(uow: UnitOfWork, code: str, number: int) -> EventFactorSet:
    row = await uow.carbon_events.factor_set(code, number) if 0 < number < 2**31 else None
    if row is None:
        raise NotFound(f"no factor set {code} v{number}", code="factor_set_not_found")
    return row


def _summary(row: EventFactorSet) -> dict[str, object]:
    return {"code": row.code, "version": row.version, "title": row.title, "factors": row.factors}
