"""Use case: neutralising an event by retiring held units for it (purpose `event`).

The event's row is locked first, so two requests for the same event queue and never both count
the same tonnes as still required. The units are retired by the registry's own use case (final,
public, with a certificate) for the beneficiary "organiser / event", and the retirement is linked
to the event. An event may be neutralised in several retirements (units bought in between, say)
until the tonnes retired reach the tonnes required; once they do, another is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.clock import shanghai_date
from domain.errors import Conflict, InvalidInput
from domain.events import entry
from domain.events.entry import EventState
from domain.governance.audit import Actor, record
from domain.identity.principal import Principal
from domain.persistence.tables import CarbonEvent, EventRetirement, Retirement
from domain.persistence.uow import UnitOfWork
from domain.registry import retirements

PURPOSE = "event"
MAX_BENEFICIARY = 200  # retirements.beneficiary
MAX_QUANTITY = 10**12  # tonnes in one retirement, as /v1/registry/retirements allows


@dataclass
class Neutralised:
    state: EventState
    retirement: Retirement


def beneficiary(organiser: str, event_name: str) -> str:
    """Who the retirement is for: "organiser / event", the event's name shortened if the two
    do not fit."""
    text = f"{organiser} / {event_name}" if organiser else event_name
    if len(text) <= MAX_BENEFICIARY:
        return text
    return text[: MAX_BENEFICIARY - 1] + "…"


def details(event: CarbonEvent) -> str:
    """What the retirement's public details say about the event."""
    start, end = shanghai_date(event.starts_at), shanghai_date(event.ends_at)
    dates = str(start) if start == end else f"{start} – {end}"
    return (
        f"碳中和活动 / Carbon-neutral event: {event.name} ({event.id}); {dates}; {event.venue}; "
        f"footprint {event.footprint_kg} kg CO2e (factor set {event.factor_set_code} "
        f"v{event.factor_set_version}); {event.tonnes_required} t to retire"
    )


async def neutralise(
    uow: UnitOfWork,
    principal: Principal,
    actor: Actor,
    org_id: str,
    event_id: str,
    *,
    account: str,
    quantity: int | None,
    now: datetime,
) -> Neutralised:
    """Retire `quantity` units of `account` for the event (by default, what is still required).

    NotFound for an unknown event or another organisation's; Conflict `event_already_neutralised`
    once the tonnes required are retired; the registry's refusals (`insufficient_units`,
    `account_not_yours`, ...) as they are.
    """
    if quantity is not None and not 1 <= quantity <= MAX_QUANTITY:
        raise InvalidInput(
            f"quantity: whole tonnes, 1 to {MAX_QUANTITY}",
            code="invalid_quantity",
            field="quantity",
        )
    event = await entry.owned(uow, org_id, event_id, for_update=True)
    retired = (await uow.carbon_events.tonnes_retired([event.id])).get(event.id, 0)
    still = event.tonnes_required - retired
    if still <= 0:
        raise Conflict(
            f"the event is neutralised already: {retired} t retired for the "
            f"{event.tonnes_required} t required",
            code="event_already_neutralised",
        )
    organiser = await uow.carbon_events.organiser(org_id)
    retirement = await retirements.retire(
        uow,
        principal,
        actor,
        account=account,
        quantity=still if quantity is None else quantity,
        beneficiary=beneficiary(organiser, event.name),
        purpose=PURPOSE,
        details=details(event),
        now=now,
    )
    uow.carbon_events.link(
        EventRetirement(
            retirement_id=retirement.id,
            event_id=event.id,
            quantity=retirement.quantity,
            created_at=now,
        )
    )
    after = retired + retirement.quantity
    record(
        uow,
        actor,
        "event.neutralise",
        "carbon_event",
        event.id,
        {"tonnes_retired": retired},
        {
            "tonnes_retired": after,
            "tonnes_required": event.tonnes_required,
            "retirement_id": retirement.id,
        },
        now,
    )
    return Neutralised(state=await entry.state(uow, event), retirement=retirement)
