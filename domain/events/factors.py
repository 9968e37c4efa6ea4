"""Event footprint factor sets (pure): the activities a footprint counts, their units, and the
checks a factor set passes before it is published (METHODOLOGY.md, factor set EVT v1).

A factor is whole milligrams of CO2e per unit (0.5617 kg/kWh is 561,700 mg/kWh), so no float
is ever stored or multiplied. A factor set gives a factor for every activity below, in its unit,
and for nothing else: the activity data an organiser enters is in these units.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec

from domain.errors import InvalidInput

CODE = "EVT"
# activity -> the unit its quantities (and so its factor) are in
ACTIVITIES: dict[str, str] = {
    "electricity": "kWh",
    "travel_car": "person-km",
    "travel_bus": "person-km",
    "travel_metro": "person-km",
    "travel_rail": "person-km",
    "travel_air": "person-km",
    "hotel": "room-night",
    "meal": "meal",
    "printed_material": "kg",
}
MAX_MG_PER_UNIT = 10**9  # one tonne of CO2e a unit: far above any real factor, a typo guard
MAX_SOURCE = 300
MAX_TITLE = 200


class Factor(msgspec.Struct, frozen=True, kw_only=True):
    unit: str
    mg_co2e_per_unit: int
    source: str


def _bad(detail: str, code: str, field: str) -> InvalidInput:
    return InvalidInput(detail, code=code, field=field)


def checked_factor(activity: str, factor: Factor) -> Factor:
    field = f"factors.{activity}"
    unit = ACTIVITIES[activity]
    if factor.unit != unit:
        raise _bad(f"{field}.unit: {activity} is counted in {unit}", "wrong_unit", field + ".unit")
    mg = factor.mg_co2e_per_unit
    if not isinstance(mg, int) or isinstance(mg, bool) or not 0 <= mg <= MAX_MG_PER_UNIT:
        raise _bad(
            f"{field}.mg_co2e_per_unit: whole milligrams of CO2e per {unit}, 0 to "
            f"{MAX_MG_PER_UNIT}",
            "invalid_factor",
            field + ".mg_co2e_per_unit",
        )
    source = factor.source.strip()
    if not source or len(source) > MAX_SOURCE:
        raise _bad(
            f"{field}.source: say where the factor comes from (at most {MAX_SOURCE} characters)",
            "source_required",
            field + ".source",
        )
    return Factor(unit=unit, mg_co2e_per_unit=mg, source=source)


def checked_factors(factors: Mapping[str, Factor]) -> dict[str, Factor]:
    """Every activity's factor, checked, in the catalogue's order; InvalidInput naming the
    first unknown or missing activity, or the first bad unit, value or source."""
    for activity in factors:
        if activity not in ACTIVITIES:
            raise _bad(
                f"factors.{activity}: not an activity (known: {', '.join(ACTIVITIES)})",
                "unknown_activity",
                f"factors.{activity}",
            )
    for activity in ACTIVITIES:
        if activity not in factors:
            raise _bad(
                f"factors.{activity}: every activity needs a factor",
                "factor_missing",
                f"factors.{activity}",
            )
    return {a: checked_factor(a, factors[a]) for a in ACTIVITIES}


def checked_title(title: str) -> str:
    title = title.strip()
    if not title or len(title) > MAX_TITLE:
        raise _bad(f"title: 1 to {MAX_TITLE} characters", "title_required", "title")
    return title


def to_json(factors: Mapping[str, Factor]) -> dict[str, Any]:
    """How a factor set's factors are stored and shown."""
    return {a: msgspec.to_builtins(f) for a, f in factors.items()}


def from_json(stored: Mapping[str, Any]) -> dict[str, Factor]:
    return {a: msgspec.convert(f, Factor) for a, f in stored.items()}
