"""/v1/public/events/{id} (an event's footprint, factors and retirements, for anyone) and
/v1/public/event-factor-sets (every published version of the event footprint factors).

The event view here is also what organisations get back under /v1/org/events.
"""

from __future__ import annotations

from datetime import datetime

import msgspec
from litestar import Controller, get

from domain.events import entry, factor_sets
from domain.events.entry import EventState
from domain.events.footprint import as_entered
from domain.persistence.tables import EventFactorSet, Retirement
from domain.persistence.uow import UnitOfWork
from domain.registry.retirements import certificate_url


class FactorSetRef(msgspec.Struct):
    code: str
    version: int


class FactorOut(msgspec.Struct):
    unit: str
    mg_co2e_per_unit: int  # integer milligrams of CO2e per unit
    source: str


class FactorSetOut(msgspec.Struct):
    code: str
    version: int
    title: str
    factors: dict[str, FactorOut]  # activity -> factor
    in_force: bool  # the newest version: new events are computed with it
    published_at: datetime


class TravelOut(msgspec.Struct):
    car: int
    bus: int
    metro: int
    rail: int
    air: int


class ActivityOut(msgspec.Struct):
    """The quantities as entered: kWh, person-km by mode, room-nights, meals, kg."""

    electricity_kwh: int
    travel_pkm_by_mode: TravelOut
    hotel_nights: int
    meals: int
    printed_kg: int


class LineOut(msgspec.Struct):
    activity: str
    quantity: int
    unit: str
    mg_co2e_per_unit: int
    mg: int  # quantity x factor, exactly


class EventRetirementOut(msgspec.Struct):
    retirement_id: str
    quantity: int
    serial_ranges: list[str]
    certificate_url: str  # the PDF
    certificate_json_url: str  # the signed JSON
    page_url: str  # the retirement's public page
    retired_at: datetime | None


class EventOut(msgspec.Struct):
    event_id: str
    name: str
    organiser: str
    starts_at: datetime
    ends_at: datetime
    venue: str
    attendees: int
    activity: ActivityOut
    factor_set: FactorSetRef  # the version the footprint was computed with
    breakdown: list[LineOut]
    footprint_mg: int  # the exact sum of the breakdown
    footprint_kg: int  # rounded up to whole kilograms
    tonnes_required: int  # the footprint rounded up to whole tonnes
    tonnes_retired: int
    tonnes_still_required: int
    neutralised: bool
    retirements: list[EventRetirementOut]
    public_url: str
    created_at: datetime


def public_url(event_id: str) -> str:
    return f"/v1/public/events/{event_id}"


def retirement_out(r: Retirement) -> EventRetirementOut:
    return EventRetirementOut(
        retirement_id=r.id,
        quantity=r.quantity,
        serial_ranges=list(r.serial_ranges),
        certificate_url=certificate_url(r.id),
        certificate_json_url=f"/v1/public/retirements/{r.id}/certificate.json",
        page_url=f"/registry/retirements/{r.id}",
        retired_at=r.retired_at,
    )


def event_out(s: EventState) -> EventOut:
    e = s.event
    return EventOut(
        event_id=e.id,
        name=e.name,
        organiser=s.organiser,
        starts_at=e.starts_at,
        ends_at=e.ends_at,
        venue=e.venue,
        attendees=e.attendees,
        activity=msgspec.convert(as_entered(e.activity), ActivityOut),
        factor_set=FactorSetRef(code=e.factor_set_code, version=e.factor_set_version),
        breakdown=[msgspec.convert(line, LineOut) for line in e.breakdown],
        footprint_mg=e.footprint_mg,
        footprint_kg=e.footprint_kg,
        tonnes_required=e.tonnes_required,
        tonnes_retired=s.tonnes_retired,
        tonnes_still_required=s.still_required,
        neutralised=s.neutralised,
        retirements=[retirement_out(r) for r in s.retirements],
        public_url=public_url(e.id),
        created_at=e.created_at,
    )


def factor_set_out(row: EventFactorSet, in_force: bool) -> FactorSetOut:
    factors = {a: msgspec.convert(f, FactorOut) for a, f in row.factors.items()}
    return FactorSetOut(row.code, row.version, row.title, factors, in_force, row.published_at)


class PublicEventController(Controller):
    path = "/v1/public"
    tags = ["public"]

    @get("/events/{event_id:str}", summary="An event: footprint, factors, retirements")
    async def show(self, event_id: str, uow: UnitOfWork) -> EventOut:
        return event_out(await entry.public(uow, event_id))

    @get("/event-factor-sets", summary="Every published event factor set, newest first")
    async def factor_sets(self, uow: UnitOfWork) -> list[FactorSetOut]:
        rows = await factor_sets.versions(uow)
        return [factor_set_out(row, i == 0) for i, row in enumerate(rows)]

    @get(
        "/event-factor-sets/{code:str}/{version:int}",
        summary="One version of an event factor set",
    )
    async def factor_set(self, code: str, version: int, uow: UnitOfWork) -> FactorSetOut:
        row = await factor_sets.version(uow, code, version)
        newest = await factor_sets.in_force(uow)
        return factor_set_out(row, row.id == newest.id)


CONTROLLERS: list[type] = [PublicEventController]
