"""An event's footprint (domain/events/footprint.py): quantities x integer mg factors, summed,
rounded up to grams, to kilograms (the footprint) and to tonnes (what is to be retired), with
every bad quantity refused naming its field."""

from __future__ import annotations

import pytest

from domain.errors import Conflict, InvalidInput
from domain.events.factors import ACTIVITIES, MAX_MG_PER_UNIT, Factor
from domain.events.footprint import (
    MAX_QUANTITY,
    as_entered,
    ceil_div,
    footprint,
    grams_of,
    kilograms_of,
    parse_activity,
    tonnes_of,
)

# METHODOLOGY.md, factor set EVT v1, in mg CO2e per unit
EVT_V1_MG = {
    "electricity": 561_700,
    "travel_car": 120_000,
    "travel_bus": 93_100,
    "travel_metro": 73_200,
    "travel_rail": 40_000,
    "travel_air": 150_000,
    "hotel": 15_000_000,
    "meal": 2_500_000,
    "printed_material": 1_500_000,
}
EVT_V1 = {
    a: Factor(unit=ACTIVITIES[a], mg_co2e_per_unit=mg, source="t") for a, mg in EVT_V1_MG.items()
}


def only(**quantities: int) -> dict[str, int]:
    return {**dict.fromkeys(ACTIVITIES, 0), **quantities}


def factors(mg: int) -> dict[str, Factor]:
    """Every activity at `mg` per unit."""
    return {a: Factor(unit=u, mg_co2e_per_unit=mg, source="t") for a, u in ACTIVITIES.items()}


def test_ceil_div_rounds_up_and_only_up() -> None:
    assert [ceil_div(n, 1000) for n in (0, 1, 999, 1000, 1001, 1999, 2000)] == [0, 1, 1, 1, 2, 2, 2]


@pytest.mark.parametrize(
    ("mg", "g"), [(0, 0), (1, 1), (999, 1), (1000, 1), (1001, 2), (1_000_000, 1000)]
)
def test_milligrams_to_grams_round_up(mg: int, g: int) -> None:
    assert grams_of(mg) == g


@pytest.mark.parametrize(("g", "kg"), [(0, 0), (1, 1), (999, 1), (1000, 1), (1001, 2)])
def test_grams_to_kilograms_round_up(g: int, kg: int) -> None:
    assert kilograms_of(g) == kg


@pytest.mark.parametrize(("kg", "t"), [(0, 0), (1, 1), (999, 1), (1000, 1), (1001, 2), (2000, 2)])
def test_kilograms_to_tonnes_round_up(kg: int, t: int) -> None:
    assert tonnes_of(kg) == t


@pytest.mark.parametrize(
    ("total_mg", "kg", "t"),
    [
        (1, 1, 1),  # a milligram is a gram is a kilogram is a tonne to retire
        (999_999, 1, 1),
        (1_000_000, 1, 1),  # exactly one kilogram
        (1_000_001, 2, 1),  # one milligram more
        (999_000_000, 999, 1),
        (1_000_000_000, 1000, 1),  # exactly one tonne
        (1_000_000_001, 1001, 2),  # one milligram more: a second tonne
        (1_000_000_000_000, 1_000_000, 1000),
    ],
)
def test_the_footprint_rounds_up_at_exact_boundaries(total_mg: int, kg: int, t: int) -> None:
    # one meal at a factor of `total_mg`: the total is exactly that
    result = footprint(
        only(meal=1),
        {**factors(0), "meal": Factor(unit="meal", mg_co2e_per_unit=total_mg, source="t")},
    )
    assert (result.total_mg, result.kilograms, result.tonnes) == (total_mg, kg, t)


def test_the_sum_is_taken_in_milligrams_before_rounding() -> None:
    # 3 activities of 400,000 mg each: 1,200,000 mg -> 2 kg (not 3 x 1 kg)
    result = footprint(only(electricity=1, meal=1, hotel=1), factors(400_000))
    assert (result.total_mg, result.grams, result.kilograms, result.tonnes) == (
        1_200_000,
        1200,
        2,
        1,
    )


def test_evt_v1_example() -> None:
    quantities = parse_activity(
        {
            "electricity_kwh": 12_000,
            "travel_pkm_by_mode": {
                "car": 5000,
                "bus": 2000,
                "metro": 40_000,
                "rail": 100_000,
                "air": 30_000,
            },
            "hotel_nights": 300,
            "meals": 3000,
            "printed_kg": 250,
        }
    )
    result = footprint(quantities, EVT_V1)
    mg = {line.activity: line.mg for line in result.lines}
    assert mg == {
        "electricity": 12_000 * 561_700,  # 6,740.4 kg
        "travel_car": 5000 * 120_000,  # 600 kg
        "travel_bus": 2000 * 93_100,  # 186.2 kg
        "travel_metro": 40_000 * 73_200,  # 2,928 kg
        "travel_rail": 100_000 * 40_000,  # 4,000 kg
        "travel_air": 30_000 * 150_000,  # 4,500 kg
        "hotel": 300 * 15_000_000,  # 4,500 kg
        "meal": 3000 * 2_500_000,  # 7,500 kg
        "printed_material": 250 * 1_500_000,  # 375 kg
    }
    assert result.total_mg == 31_329_600_000
    assert (result.kilograms, result.tonnes) == (31_330, 32)  # 31,329.6 kg up; 31.33 t up
    (electricity,) = [line for line in result.lines if line.activity == "electricity"]
    assert (electricity.quantity, electricity.unit, electricity.mg_co2e_per_unit) == (
        12_000,
        "kWh",
        561_700,
    )


def test_a_single_kwh_of_evt_v1_is_one_kilogram_and_one_tonne() -> None:
    result = footprint(parse_activity({"electricity_kwh": 1}), EVT_V1)
    assert (result.total_mg, result.grams, result.kilograms, result.tonnes) == (561_700, 562, 1, 1)


def test_zero_factors_give_a_zero_footprint() -> None:
    result = footprint(only(meal=10), factors(0))
    assert (result.total_mg, result.kilograms, result.tonnes) == (0, 0, 0)


def test_the_largest_footprint_fits_a_signed_64_bit_column() -> None:
    result = footprint(dict.fromkeys(ACTIVITIES, MAX_QUANTITY), factors(MAX_MG_PER_UNIT))
    assert result.total_mg == len(ACTIVITIES) * MAX_QUANTITY * MAX_MG_PER_UNIT < 2**63


def test_a_factor_set_without_a_factor_for_an_activity_is_refused() -> None:
    with pytest.raises(Conflict) as refused:
        footprint(only(meal=1), {"meal": EVT_V1["meal"]})
    assert refused.value.code == "factor_missing"


def test_quantities_left_out_count_zero_and_come_back_as_entered() -> None:
    quantities = parse_activity({"meals": 5, "travel_pkm_by_mode": {"metro": 7}})
    assert quantities == only(meal=5, travel_metro=7)
    assert as_entered(quantities) == {
        "electricity_kwh": 0,
        "travel_pkm_by_mode": {"car": 0, "bus": 0, "metro": 7, "rail": 0, "air": 0},
        "hotel_nights": 0,
        "meals": 5,
        "printed_kg": 0,
    }


def test_the_largest_quantity_is_accepted() -> None:
    assert parse_activity({"printed_kg": MAX_QUANTITY})["printed_material"] == MAX_QUANTITY


def _refused(raw: dict) -> InvalidInput:
    with pytest.raises(InvalidInput) as refused:
        parse_activity(raw)
    return refused.value


@pytest.mark.parametrize(
    ("raw", "code", "field"),
    [
        ({"ferry_km": 10}, "unknown_activity", "activity.ferry_km"),
        ({"electricity": 10}, "unknown_activity", "activity.electricity"),  # a factor's name
        (
            {"travel_pkm_by_mode": {"ferry": 10}},
            "unknown_mode",
            "activity.travel_pkm_by_mode.ferry",
        ),
        ({"travel_pkm_by_mode": 10}, "invalid_travel", "activity.travel_pkm_by_mode"),
        ({"travel_pkm_by_mode": [1, 2]}, "invalid_travel", "activity.travel_pkm_by_mode"),
        ({"meals": -1}, "invalid_quantity", "activity.meals"),
        ({"meals": MAX_QUANTITY + 1}, "invalid_quantity", "activity.meals"),
        ({"meals": 2.5}, "invalid_quantity", "activity.meals"),
        ({"meals": 2.0}, "invalid_quantity", "activity.meals"),
        ({"meals": True}, "invalid_quantity", "activity.meals"),
        ({"meals": "3"}, "invalid_quantity", "activity.meals"),
        ({"meals": None}, "invalid_quantity", "activity.meals"),
        (
            {"travel_pkm_by_mode": {"air": -5}},
            "invalid_quantity",
            "activity.travel_pkm_by_mode.air",
        ),
        ({"hotel_nights": 1, "printed_kg": -1}, "invalid_quantity", "activity.printed_kg"),
        ({}, "no_activity", "activity"),
        ({"meals": 0, "travel_pkm_by_mode": {"car": 0}}, "no_activity", "activity"),
    ],
)
def test_bad_activity_data_is_refused_naming_the_field(raw: dict, code: str, field: str) -> None:
    refused = _refused(raw)
    assert (refused.code, refused.extra["field"]) == (code, field)
