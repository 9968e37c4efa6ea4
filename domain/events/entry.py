"""Use cases: an organisation enters an event (its footprint computed at once with the factor set
in force, which the event keeps) and reads its own events; another organisation's event, like an
unknown one, is "not found". Everyone may read an event's public view."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

import msgspec

from domain.errors import NotFound
from domain.events import factor_sets, rules
from domain.events.factors import from_json
from domain.events.footprint import footprint, parse_activity
from domain.governance.audit import Actor, record
from domain.ids import new_id
from domain.persistence.tables import CarbonEvent, Retirement
from domain.persistence.uow import UnitOfWork

_ID = re.compile(r"[0-9A-Z]{26}")


@dataclass
class EventState:
    """An event with the retirements made for it and the tonnes they add up to."""

    event: CarbonEvent
    organiser: str
    tonnes_retired: int
    retirements: list[Retirement] = field(default_factory=list)

    @property
    def still_required(self) -> int:
        return max(self.event.tonnes_required - self.tonnes_retired, 0)

    @property
    def neutralised(self) -> bool:
        return self.tonnes_retired >= self.event.tonnes_required


async def enter(
    uow: UnitOfWork,
    actor: Actor,
    org_id: str,
    *,
    name: str,
    starts_at: datetime,
    ends_at: datetime,
    venue: str,
    attendees: int,
    activity: Mapping[str, object],
    now: datetime,
) -> EventState:
    """Enter the organisation's event: checked, its footprint computed with the factor set in
    force (the version recorded on the event), audited."""
    facts = rules.checked(
        name=name, starts_at=starts_at, ends_at=ends_at, venue=venue, attendees=attendees
    )
    quantities = parse_activity(activity)
    factor_set = await factor_sets.in_force(uow)
    result = footprint(quantities, from_json(factor_set.factors))
    event = CarbonEvent(
        id=new_id(),
        org_id=org_id,
        name=facts.name,
        starts_at=facts.starts_at,
        ends_at=facts.ends_at,
        venue=facts.venue,
        attendees=facts.attendees,
        activity=quantities,
        factor_set_id=factor_set.id,
        factor_set_code=factor_set.code,
        factor_set_version=factor_set.version,
        breakdown=[msgspec.to_builtins(line) for line in result.lines],
        footprint_mg=result.total_mg,
        footprint_kg=result.kilograms,
        tonnes_required=result.tonnes,
        created_by=actor.id,
        created_at=now,
    )
    uow.carbon_events.add(event)
    record(uow, actor, "event.enter", "carbon_event", event.id, None, summary(event), now)
    return EventState(
        event=event, organiser=await uow.carbon_events.organiser(org_id), tonnes_retired=0
    )


async def _found(uow: UnitOfWork, event_id: str, *, for_update: bool = False) -> CarbonEvent:
    event = (
        await uow.carbon_events.event(event_id, for_update=for_update)
        if _ID.fullmatch(event_id)
        else None
    )
    if event is None:
        raise NotFound("no such event", code="event_not_found")
    return event


async def owned(
    uow: UnitOfWork, org_id: str, event_id: str, *, for_update: bool = False
) -> CarbonEvent:
    """The organisation's event; NotFound for an unknown one and for another's alike."""
    event = await _found(uow, event_id, for_update=for_update)
    if event.org_id != org_id:
        raise NotFound("no such event", code="event_not_found")
    return event


async def state(uow: UnitOfWork, event: CarbonEvent) -> EventState:
    return (await _states(uow, event.org_id, [event]))[0]


async def _states(uow: UnitOfWork, org_id: str, events: list[CarbonEvent]) -> list[EventState]:
    """Events of one organisation with their retirements (one query for them all)."""
    made = await uow.carbon_events.retirements([e.id for e in events])
    organiser = await uow.carbon_events.organiser(org_id)
    return [
        EventState(
            event=e,
            organiser=organiser,
            tonnes_retired=sum(r.quantity for r in made.get(e.id, [])),
            retirements=made.get(e.id, []),
        )
        for e in events
    ]


async def own(uow: UnitOfWork, org_id: str, event_id: str) -> EventState:
    return await state(uow, await owned(uow, org_id, event_id))


async def public(uow: UnitOfWork, event_id: str) -> EventState:
    """Any event, for its public page: footprint, factors, retirements."""
    return await state(uow, await _found(uow, event_id))


async def own_list(
    uow: UnitOfWork, org_id: str, *, before: str | None, limit: int
) -> list[EventState]:
    """The organisation's events, newest first, with their retirements."""
    events = await uow.carbon_events.of_org(org_id, before=before, limit=limit)
    return await _states(uow, org_id, events)


def summary(e: CarbonEvent) -> dict[str, object]:
    return {
        "name": e.name,
        "starts_at": e.starts_at.isoformat(),
        "ends_at": e.ends_at.isoformat(),
        "venue": e.venue,
        "attendees": e.attendees,
        "activity": e.activity,
        "factor_set": f"{e.factor_set_code} v{e.factor_set_version}",
        "footprint_kg": e.footprint_kg,
        "tonnes_required": e.tonnes_required,
    }
