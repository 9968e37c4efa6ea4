"""An event's footprint from its activity data and a factor set (pure, no I/O).

The activity data are whole, non-negative quantities: kWh of electricity, person-km of travel by
mode, room-nights of hotel, meals, kg of printed material; an activity left out counts zero.
Each is multiplied by its factor (integer mg CO2e per unit), the products are summed in mg, and
the sum becomes grams, then kilograms, each rounded up: the footprint is the whole kilograms;
the tonnes to retire are the footprint rounded up to whole tonnes (METHODOLOGY.md). Rounding
up twice is rounding up once: kg = ceil(mg / 10^6), t = ceil(mg / 10^9).
"""

from __future__ import annotations

from collections.abc import Mapping

import msgspec

from domain.errors import Conflict, InvalidInput
from domain.events.factors import ACTIVITIES, Factor

TRAVEL = "travel_pkm_by_mode"
MODES = ("car", "bus", "metro", "rail", "air")
# a quantity as entered -> the activity whose factor it is multiplied by
QUANTITIES: dict[str, str] = {
    "electricity_kwh": "electricity",
    **{f"{TRAVEL}.{mode}": f"travel_{mode}" for mode in MODES},
    "hotel_nights": "hotel",
    "meals": "meal",
    "printed_kg": "printed_material",
}
MAX_QUANTITY = 10**9  # per quantity: a billion kWh, person-km, room-nights, meals or kg
MG_PER_G = 1000
G_PER_KG = 1000
KG_PER_T = 1000


class Line(msgspec.Struct, frozen=True, kw_only=True):
    """One activity's share: quantity x factor, exactly, in mg."""

    activity: str
    quantity: int
    unit: str
    mg_co2e_per_unit: int
    mg: int


class Footprint(msgspec.Struct, frozen=True, kw_only=True):
    lines: list[Line]
    total_mg: int
    grams: int  # total_mg rounded up to whole grams
    kilograms: int  # grams rounded up to whole kilograms: the footprint
    tonnes: int  # kilograms rounded up to whole tonnes: what is to be retired


def ceil_div(n: int, d: int) -> int:
    """n / d rounded up, for n >= 0 and d > 0 (integers only)."""
    return -(-n // d)


def grams_of(mg: int) -> int:
    return ceil_div(mg, MG_PER_G)


def kilograms_of(grams: int) -> int:
    return ceil_div(grams, G_PER_KG)


def tonnes_of(kilograms: int) -> int:
    return ceil_div(kilograms, KG_PER_T)


def _quantity(value: object, field: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_QUANTITY:
        raise InvalidInput(
            f"{field}: a whole number from 0 to {MAX_QUANTITY}",
            code="invalid_quantity",
            field=field,
        )
    return value


def parse_activity(raw: Mapping[str, object]) -> dict[str, int]:
    """The quantities as entered -> {activity: quantity} for every activity (zeros included).

    InvalidInput naming the field: an unknown activity or mode, a quantity that is not a whole
    number from 0 to MAX_QUANTITY, or nothing above zero at all (no footprint to neutralise).
    """
    out = dict.fromkeys(ACTIVITIES, 0)
    for key, value in raw.items():
        field = f"activity.{key}"
        if key == TRAVEL:
            if not isinstance(value, Mapping):
                raise InvalidInput(
                    f'{field}: person-km by mode, e.g. {{"metro": 1200}}',
                    code="invalid_travel",
                    field=field,
                )
            for mode, pkm in value.items():
                if mode not in MODES:
                    raise InvalidInput(
                        f"{field}.{mode}: not a mode of travel (known: {', '.join(MODES)})",
                        code="unknown_mode",
                        field=f"{field}.{mode}",
                    )
                out[f"travel_{mode}"] = _quantity(pkm, f"{field}.{mode}")
        elif key in QUANTITIES:
            out[QUANTITIES[key]] = _quantity(value, field)
        else:
            known = ", ".join(k for k in QUANTITIES if "." not in k)
            raise InvalidInput(
                f"{field}: not an activity (known: {known}, {TRAVEL})",
                code="unknown_activity",
                field=field,
            )
    if not any(out.values()):
        raise InvalidInput(
            "activity: give at least one quantity above zero", code="no_activity", field="activity"
        )
    return out


def as_entered(quantities: Mapping[str, int]) -> dict[str, object]:
    """{activity: quantity} back in the shape the organiser enters (every field present)."""
    out: dict[str, object] = {}
    travel: dict[str, int] = {}
    for key, activity in QUANTITIES.items():
        if key.startswith(TRAVEL + "."):
            travel[key.split(".", 1)[1]] = quantities.get(activity, 0)
        else:
            out[key] = quantities.get(activity, 0)
    out[TRAVEL] = travel
    return out


def footprint(quantities: Mapping[str, int], factors: Mapping[str, Factor]) -> Footprint:
    """The footprint of `quantities` ({activity: quantity}) under `factors`."""
    lines = []
    for activity, quantity in quantities.items():
        factor = factors.get(activity)
        if factor is None:  # published sets are complete (factors.checked_factors)
            raise Conflict(f"the factor set has no factor for {activity}", code="factor_missing")
        lines.append(
            Line(
                activity=activity,
                quantity=quantity,
                unit=factor.unit,
                mg_co2e_per_unit=factor.mg_co2e_per_unit,
                mg=quantity * factor.mg_co2e_per_unit,
            )
        )
    total = sum(line.mg for line in lines)
    grams = grams_of(total)
    kilograms = kilograms_of(grams)
    return Footprint(
        lines=lines, total_mg=total, grams=grams, kilograms=kilograms, tonnes=tonnes_of(kilograms)
    )
