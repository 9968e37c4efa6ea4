"""/v1/org/events: an organisation's carbon-neutral events (footprint with the factor set in
force) and their neutralisation from held units (Idempotency-Key); another organisation's event
is 404. The answers are the public event view (api/public/events.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Response, get, post

from api.idempotent import answered, replayed
from api.public.events import EventOut, EventRetirementOut, event_out, retirement_out
from api.registry.schemas import IDEMPOTENCY_KEY
from api.registry.transfers import key_owner
from api.schemas import CURSOR, LIMIT, Page, page_of
from api.security.auth import staff_guard
from api.verifier.reports import org_of
from domain.events import entry, neutralise
from domain.governance.audit import Actor
from domain.identity.principal import Principal, Role
from domain.persistence.uow import UnitOfWork

ORG = staff_guard(Role.ORG)
ACTIVITY = msgspec.Meta(
    description="Whole, non-negative quantities; one left out counts zero: electricity_kwh, "
    "travel_pkm_by_mode {car, bus, metro, rail, air} (person-km), hotel_nights (room-nights), "
    "meals, printed_kg. An unknown activity or mode is 422 naming it.",
    examples=[{"electricity_kwh": 12000, "travel_pkm_by_mode": {"metro": 40000}, "meals": 3000}],
)


class EventIn(msgspec.Struct, forbid_unknown_fields=True):
    """Checked by the domain (422 naming the field): name 1..200 and venue 1..300 characters,
    times with an offset, ends_at not before starts_at and at most 366 days later, attendees
    0..10,000,000, quantities 0..10^9 each and at least one above zero."""

    name: str
    starts_at: datetime
    ends_at: datetime
    venue: str
    attendees: int
    activity: Annotated[dict[str, Any], ACTIVITY]


class NeutraliseIn(msgspec.Struct, forbid_unknown_fields=True):
    account: Annotated[str, msgspec.Meta(min_length=1, max_length=40)]  # your holding account
    quantity: int | None = None  # tonnes; what is still required when left out


class NeutralisedOut(msgspec.Struct):
    event_id: str
    retirement_id: str
    quantity: int
    serial_ranges: list[str]
    certificate_url: str
    retirement: EventRetirementOut
    tonnes_required: int
    tonnes_retired: int
    tonnes_still_required: int
    neutralised: bool


class OrgEventController(Controller):
    path = "/v1/org/events"
    tags = ["org"]
    security = [{"BearerToken": []}]
    guards = [ORG]

    @post("/", status_code=201, summary="Enter an event: its footprint and the tonnes to retire")
    async def create(
        self, data: EventIn, uow: UnitOfWork, actor: Actor, principal: Principal, now: datetime
    ) -> EventOut:
        made = await entry.enter(
            uow,
            actor,
            org_of(principal),
            name=data.name,
            starts_at=data.starts_at,
            ends_at=data.ends_at,
            venue=data.venue,
            attendees=data.attendees,
            activity=data.activity,
            now=now,
        )
        return event_out(made)

    @get("/", summary="Your organisation's events, newest first")
    async def list_events(
        self, uow: UnitOfWork, principal: Principal, limit: int = LIMIT, cursor: str | None = CURSOR
    ) -> Page[EventOut]:
        rows = await entry.own_list(uow, org_of(principal), before=cursor, limit=limit + 1)
        return page_of([event_out(s) for s in rows], limit, lambda e: e.event_id)

    @get("/{event_id:str}", summary="One of your events")
    async def show(self, event_id: str, uow: UnitOfWork, principal: Principal) -> EventOut:
        return event_out(await entry.own(uow, org_of(principal), event_id))

    @post(
        "/{event_id:str}/neutralise",
        status_code=201,
        summary="Retire held units for the event (final; Idempotency-Key)",
    )
    async def neutralise(
        self,
        event_id: str,
        data: NeutraliseIn,
        uow: UnitOfWork,
        actor: Actor,
        principal: Principal,
        now: datetime,
        idempotency_key: str | None = IDEMPOTENCY_KEY,
    ) -> Response[Any]:
        owner = key_owner(principal)
        operation = f"events.neutralise:{event_id}"
        first = await replayed(uow, owner, idempotency_key, operation, data, now)
        if first is not None:
            return first
        done = await neutralise.neutralise(
            uow,
            principal,
            actor,
            org_of(principal),
            event_id,
            account=data.account,
            quantity=data.quantity,
            now=now,
        )
        s, r = done.state, done.retirement
        out = NeutralisedOut(
            event_id=s.event.id,
            retirement_id=r.id,
            quantity=r.quantity,
            serial_ranges=list(r.serial_ranges),
            certificate_url=retirement_out(r).certificate_url,
            retirement=retirement_out(r),
            tonnes_required=s.event.tonnes_required,
            tonnes_retired=s.tonnes_retired,
            tonnes_still_required=s.still_required,
            neutralised=s.neutralised,
        )
        return await answered(uow, owner, idempotency_key, 201, out)


CONTROLLERS: list[type] = [OrgEventController]
