"""/v1/admin/operators/{id}/network: import GTFS stops plus line order."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Controller, get, put

from api.security.auth import staff_guard
from domain.errors import NotFound
from domain.governance.audit import Actor
from domain.identity.principal import Role
from domain.network.service import import_network
from domain.persistence.uow import UnitOfWork

Csv = Annotated[str, msgspec.Meta(min_length=1, max_length=8 * 1024 * 1024)]


class NetworkImport(msgspec.Struct, forbid_unknown_fields=True):
    """GTFS text: stops.txt plus route_stops.txt, or plus trips.txt and stop_times.txt."""

    stops_txt: Csv
    route_stops_txt: Csv | None = None
    trips_txt: Csv | None = None
    stop_times_txt: Csv | None = None


class NetworkOut(msgspec.Struct):
    operator_id: str
    revision: int
    stops: int
    lines: int
    imported_at: datetime


class AdminNetworkController(Controller):
    path = "/v1/admin/operators/{operator_id:str}/network"
    tags = ["admin"]
    security = [{"BearerToken": []}]

    @put(
        "/",
        guards=[staff_guard(Role.ADMIN, Role.OPERATIONS)],
        request_max_body_size=32 * 1024 * 1024,
        summary="Replace the operator's station network (GTFS)",
    )
    async def replace(
        self, operator_id: str, data: NetworkImport, uow: UnitOfWork, actor: Actor, now: datetime
    ) -> NetworkOut:
        row = await import_network(
            uow,
            actor,
            operator_id,
            stops_txt=data.stops_txt,
            route_stops_txt=data.route_stops_txt,
            trips_txt=data.trips_txt,
            stop_times_txt=data.stop_times_txt,
            now=now,
        )
        return NetworkOut(
            operator_id=operator_id,
            revision=row.revision,
            stops=row.stops_count,
            lines=row.lines_count,
            imported_at=row.imported_at,
        )

    @get(
        "/",
        guards=[staff_guard(Role.ADMIN, Role.OPERATIONS, Role.AUDITOR)],
        summary="The operator's imported network (summary)",
    )
    async def show(self, operator_id: str, uow: UnitOfWork) -> NetworkOut:
        row = await uow.networks.get(operator_id)
        if row is None:
            raise NotFound("no network imported", code="network_missing")
        return NetworkOut(
            operator_id=operator_id,
            revision=row.revision,
            stops=row.stops_count,
            lines=row.lines_count,
            imported_at=row.imported_at,
        )
