"""Importing an operator's network, and a per-process cache of parsed networks."""

from __future__ import annotations

from datetime import datetime

from domain.errors import InvalidInput, NotFound
from domain.governance.audit import Actor, record
from domain.network.districts import stop_districts
from domain.network.graph import Network, from_gtfs, from_gtfs_trips
from domain.persistence.tables import OperatorNetwork
from domain.persistence.uow import UnitOfWork


async def import_network(
    uow: UnitOfWork,
    actor: Actor,
    operator_id: str,
    *,
    stops_txt: str,
    route_stops_txt: str | None = None,
    trips_txt: str | None = None,
    stop_times_txt: str | None = None,
    now: datetime,
) -> OperatorNetwork:
    """Replace the operator's network: stops plus line order (route_stops, or trips+stop_times),
    and its stations' districts (the optional `district` column of stops.txt)."""
    if await uow.operators.get(operator_id) is None:
        raise NotFound("no such operator", code="operator_not_found")
    if route_stops_txt is not None:
        network = from_gtfs(stops_txt, route_stops_txt)
    elif trips_txt is not None and stop_times_txt is not None:
        network = from_gtfs_trips(stops_txt, trips_txt, stop_times_txt)
    else:
        raise InvalidInput(
            "send route_stops_txt, or trips_txt and stop_times_txt", code="invalid_network"
        )
    districts = stop_districts(stops_txt)
    await uow.districts.replace_stations(operator_id, districts)
    row = await uow.networks.get(operator_id)
    before = None if row is None else {"revision": row.revision, "stops": row.stops_count}
    if row is None:
        row = OperatorNetwork(operator_id=operator_id, revision=0)
        uow.networks.add(row)
    row.revision += 1
    row.stops_count = network.stops_count
    row.lines_count = len(network.lines)
    row.network = network.to_json()
    row.imported_at = now
    record(
        uow,
        actor,
        "operator.network.import",
        "operator",
        operator_id,
        before,
        {
            "revision": row.revision,
            "stops": row.stops_count,
            "lines": row.lines_count,
            "stations_with_district": len(districts),
        },
        now,
    )
    return row


class NetworkCache:
    """Parsed networks by operator, reloaded when the stored revision changes."""

    def __init__(self) -> None:
        self._cache: dict[str, tuple[int, Network]] = {}

    async def get(self, uow: UnitOfWork, operator_id: str) -> Network | None:
        revision = await uow.networks.revision(operator_id)
        if revision is None:
            return None
        cached = self._cache.get(operator_id)
        if cached is not None and cached[0] == revision:
            return cached[1]
        row = await uow.networks.get(operator_id)
        network = Network.from_json(row.network)
        self._cache[operator_id] = (row.revision, network)
        return network
