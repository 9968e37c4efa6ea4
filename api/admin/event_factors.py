"""/v1/admin/event-factor-sets: admins publish the next version of the event footprint factors
(audited; the versions before stay, and every event keeps the one it used). Everyone reads them
at /v1/public/event-factor-sets."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Controller, post

from api.public.events import FactorSetOut, factor_set_out
from api.security.auth import staff_guard
from domain.events import factor_sets
from domain.events.factors import Factor
from domain.governance.audit import Actor
from domain.identity.principal import Role
from domain.persistence.uow import UnitOfWork

ADMIN = staff_guard(Role.ADMIN)


class FactorIn(msgspec.Struct, forbid_unknown_fields=True):
    unit: str  # the activity's unit: kWh, person-km, room-night, meal or kg
    mg_co2e_per_unit: int  # whole milligrams of CO2e per unit, 0..10^9
    source: str  # where the factor comes from


class FactorSetIn(msgspec.Struct, forbid_unknown_fields=True):
    """A factor for every activity (electricity, travel_car, travel_bus, travel_metro,
    travel_rail, travel_air, hotel, meal, printed_material) and nothing else; checked by the
    domain (422 naming the field)."""

    factors: dict[str, FactorIn]
    title: Annotated[str, msgspec.Meta(max_length=200)] = (
        "大型活动碳排放因子 Event footprint factors"
    )


class AdminEventFactorController(Controller):
    path = "/v1/admin/event-factor-sets"
    tags = ["admin"]
    security = [{"BearerToken": []}]

    @post("/", guards=[ADMIN], status_code=201, summary="Publish the next factor set version")
    async def publish(
        self, data: FactorSetIn, uow: UnitOfWork, actor: Actor, now: datetime
    ) -> FactorSetOut:
        factors = {a: Factor(**msgspec.structs.asdict(f)) for a, f in data.factors.items()}
        row = await factor_sets.publish(uow, actor, title=data.title, factors=factors, now=now)
        return factor_set_out(row, in_force=True)
