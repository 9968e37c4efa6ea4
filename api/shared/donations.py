"""A donation project with its public totals, as citizens and staff read it."""

from __future__ import annotations

import msgspec

from domain.points import donations


class DonationProjectOut(msgspec.Struct):
    project_id: str
    name: str
    description: str
    unit_name: str
    points_per_unit: int
    active: bool
    donations: int
    units: int
    points: int


def project_out(t: donations.ProjectTotals) -> DonationProjectOut:
    p = t.project
    return DonationProjectOut(
        project_id=p.id,
        name=p.name,
        description=p.description,
        unit_name=p.unit_name,
        points_per_unit=p.points_per_unit,
        active=p.active,
        donations=t.donations,
        units=t.units,
        points=t.points,
    )
