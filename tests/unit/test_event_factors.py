"""Event factor sets (domain/events/factors.py): a factor for every activity in its unit, whole
milligrams within bounds, a source; anything else refused naming the field."""

from __future__ import annotations

import pytest

from domain.errors import InvalidInput
from domain.events.factors import (
    ACTIVITIES,
    MAX_MG_PER_UNIT,
    Factor,
    checked_factors,
    checked_title,
    from_json,
    to_json,
)
from tests.unit.test_event_footprint import EVT_V1, EVT_V1_MG


def test_evt_v1_passes_and_keeps_the_catalogue_order() -> None:
    checked = checked_factors(dict(reversed(EVT_V1.items())))
    assert list(checked) == list(ACTIVITIES)
    assert {a: f.mg_co2e_per_unit for a, f in checked.items()} == EVT_V1_MG


def test_the_units_are_those_of_the_activity_data() -> None:
    assert ACTIVITIES == {
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


def test_sources_are_trimmed_and_bounds_accepted() -> None:
    factors = {
        **EVT_V1,
        "meal": Factor(unit="meal", mg_co2e_per_unit=0, source="  survey  "),
        "hotel": Factor(unit="room-night", mg_co2e_per_unit=MAX_MG_PER_UNIT, source="x"),
    }
    checked = checked_factors(factors)
    assert checked["meal"] == Factor(unit="meal", mg_co2e_per_unit=0, source="survey")
    assert checked["hotel"].mg_co2e_per_unit == MAX_MG_PER_UNIT


def test_stored_factors_read_back_the_same() -> None:
    assert from_json(to_json(EVT_V1)) == EVT_V1
    assert to_json(EVT_V1)["electricity"] == {
        "unit": "kWh",
        "mg_co2e_per_unit": 561_700,
        "source": "t",
    }


def _with(activity: str, **changed) -> dict[str, Factor]:
    f = EVT_V1[activity]
    fields = {"unit": f.unit, "mg_co2e_per_unit": f.mg_co2e_per_unit, "source": f.source}
    return {**EVT_V1, activity: Factor(**{**fields, **changed})}


@pytest.mark.parametrize(
    ("factors", "code", "field"),
    [
        ({**EVT_V1, "ferry": EVT_V1["meal"]}, "unknown_activity", "factors.ferry"),
        ({a: f for a, f in EVT_V1.items() if a != "hotel"}, "factor_missing", "factors.hotel"),
        ({}, "factor_missing", "factors.electricity"),
        (_with("electricity", unit="MWh"), "wrong_unit", "factors.electricity.unit"),
        (_with("meal", mg_co2e_per_unit=-1), "invalid_factor", "factors.meal.mg_co2e_per_unit"),
        (
            _with("meal", mg_co2e_per_unit=MAX_MG_PER_UNIT + 1),
            "invalid_factor",
            "factors.meal.mg_co2e_per_unit",
        ),
        (_with("meal", mg_co2e_per_unit=2.5), "invalid_factor", "factors.meal.mg_co2e_per_unit"),
        (_with("meal", mg_co2e_per_unit=True), "invalid_factor", "factors.meal.mg_co2e_per_unit"),
        (_with("travel_air", source="   "), "source_required", "factors.travel_air.source"),
        (_with("travel_air", source="s" * 301), "source_required", "factors.travel_air.source"),
    ],
)
def test_a_bad_factor_set_is_refused_naming_the_field(factors, code: str, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        checked_factors(factors)
    assert (refused.value.code, refused.value.extra["field"]) == (code, field)


def test_a_title_is_one_to_two_hundred_characters() -> None:
    assert checked_title("  EVT 2027  ") == "EVT 2027"
    for bad in ("", "   ", "t" * 201):
        with pytest.raises(InvalidInput) as refused:
            checked_title(bad)
        assert refused.value.extra["field"] == "title"
