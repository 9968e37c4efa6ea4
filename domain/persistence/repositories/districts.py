"""Districts (domain/districts.py): stations' districts imported with a network, the filter that
cuts trips by the district of their origin station, and counts of places per district."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import ColumnElement, delete, exists, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.persistence.tables import Organisation, Project, StationDistrict, Store, Trip


def trip_in_district(district: str) -> ColumnElement[bool]:
    """Trips whose origin station lies in the district (a station the operator's imported
    network places there). Trips without a known origin (erased, bike-share, unmapped stops)
    belong to no district."""
    return exists().where(
        StationDistrict.operator_id == Trip.operator_id,
        StationDistrict.station == Trip.origin,
        StationDistrict.district == district,
    )


class DistrictRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def replace_stations(self, operator_id: str, districts: Mapping[str, str]) -> None:
        """The operator's station -> district mapping becomes `districts`."""
        await self.session.execute(
            delete(StationDistrict).where(StationDistrict.operator_id == operator_id)
        )
        if districts:
            await self.session.execute(
                insert(StationDistrict),
                [
                    {"operator_id": operator_id, "station": s, "district": d}
                    for s, d in districts.items()
                ],
            )

    async def stations(self, operator_id: str) -> dict[str, str]:
        stmt = select(StationDistrict.station, StationDistrict.district).where(
            StationDistrict.operator_id == operator_id
        )
        return {s: d for s, d in await self.session.execute(stmt)}

    async def places(self, district: str | None) -> tuple[int, int, int]:
        """(registered projects, stores, active public institutions), in the district when
        given."""
        projects = select(func.count()).where(Project.status == "registered")
        stores = select(func.count()).select_from(Store)
        institutions = select(func.count()).where(
            Organisation.kind == "public_institution", Organisation.status == "active"
        )
        if district is not None:
            projects = projects.where(Project.district == district)
            stores = stores.where(Store.district == district)
            institutions = institutions.where(Organisation.district == district)
        return (
            int((await self.session.execute(projects)).scalar_one()),
            int((await self.session.execute(stores)).scalar_one()),
            int((await self.session.execute(institutions)).scalar_one()),
        )
