"""The crediting formula in exact integers, parameter validation, the NJ-GT v1 defaults."""

from __future__ import annotations

import math

import msgspec
import pytest

from domain.errors import InvalidInput
from domain.methodology.formula import points_for, reduction_g
from domain.methodology.params import (
    NJ_GT_V1,
    MethodologyParams,
    ModeParams,
    PointsRule,
    from_json,
    to_json,
    validate,
)
from domain.trips.model import Mode

METRO = NJ_GT_V1.for_mode(Mode.METRO)
BUS = NJ_GT_V1.for_mode(Mode.BUS)
BIKE = NJ_GT_V1.for_mode(Mode.BIKESHARE)


def _mode(**changes: object) -> ModeParams:
    return msgspec.structs.replace(METRO, **changes)


def test_reduction_matches_the_published_net_factors() -> None:
    assert reduction_g(10_000, METRO) == 468  # 10 km x 46.8
    assert reduction_g(2_345, BIKE) == 218  # floor(2.345 x 93.3) = floor(218.7885)
    assert reduction_g(BUS.default_trip_m or 0, BUS) == 107  # floor(4.0 x 26.9) = floor(107.6)
    assert reduction_g(0, METRO) == 0
    assert reduction_g(21, METRO) == 0  # 0.98 g rounds down


def test_reduction_is_exact_where_floats_are_not() -> None:
    # 42.5 km x 46.8 g = 1989 g exactly; in floats 120.0 - 73.2 is 46.79999..., floor 1988.
    assert math.floor(42_500 / 1000 * (120.0 - 73.2)) == 1988
    assert reduction_g(42_500, METRO) == 1989
    tenth = _mode(baseline_g_per_pkm="0.3", mode_g_per_pkm="0.2")
    assert math.floor(10 * (0.3 - 0.2)) == 0
    assert reduction_g(10_000, tenth) == 1  # 10 km x 0.1 g


def test_reduction_refuses_negative_distance_and_never_goes_negative() -> None:
    with pytest.raises(InvalidInput):
        reduction_g(-1, METRO)
    assert reduction_g(10_000, _mode(mode_g_per_pkm="120.0")) == 0


def test_points_round_down_by_grams_per_point() -> None:
    assert points_for(218, PointsRule()) == 218
    assert points_for(218, PointsRule(grams_per_point=3)) == 72
    assert points_for(2, PointsRule(grams_per_point=3)) == 0
    with pytest.raises(InvalidInput):
        points_for(-1, PointsRule())


def test_nj_gt_v1_is_the_methodology_table() -> None:
    validate(NJ_GT_V1)
    assert set(NJ_GT_V1.modes) == {"metro", "bus", "bikeshare"}
    table = {  # net mg/pkm, min m, max m/h, min s, max s, default m
        Mode.METRO: (46_800, 1_000, 80_000, 120, 4 * 3600, None),
        Mode.BUS: (26_900, 500, 60_000, 120, 3 * 3600, 4_000),
        Mode.BIKESHARE: (93_300, 500, 25_000, 120, 3 * 3600, None),
    }
    for mode, expected in table.items():
        p = NJ_GT_V1.for_mode(mode)
        assert p.baseline_mg == 120_000
        assert (
            p.baseline_mg - p.mode_mg,
            p.min_distance_m,
            p.max_speed_m_per_h,
            p.min_duration_s,
            p.max_duration_s,
            p.default_trip_m,
        ) == expected
    assert (METRO.mode_mg, BUS.mode_mg, BIKE.mode_mg) == (73_200, 93_100, 26_700)
    assert NJ_GT_V1.points == PointsRule(
        grams_per_point=1, daily_trip_cap=10, daily_points_cap=3000
    )
    assert (NJ_GT_V1.window_days, NJ_GT_V1.future_tolerance_s, NJ_GT_V1.pending_days) == (7, 300, 7)


def test_for_mode_refuses_a_mode_without_parameters() -> None:
    only_metro = MethodologyParams(modes={"metro": METRO})
    assert only_metro.for_mode(Mode.METRO) is METRO
    with pytest.raises(InvalidInput):
        only_metro.for_mode(Mode.BUS)


def _with_metro(**changes: object) -> MethodologyParams:
    return MethodologyParams(modes={"metro": _mode(**changes)})


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        (_with_metro(mode_g_per_pkm="abc"), "not a decimal"),
        (_with_metro(mode_g_per_pkm="1e3"), "not a decimal"),
        (_with_metro(mode_g_per_pkm=" 73.2"), "not a decimal"),
        (_with_metro(mode_g_per_pkm=73.2), "decimal string"),
        (_with_metro(mode_g_per_pkm="73.2001"), "more than 3 decimals"),
        (_with_metro(min_distance_km="-0.5"), "negative"),
        (_with_metro(min_duration_s=-1), "negative"),
        (_with_metro(mode_g_per_pkm="120.001"), "exceeds"),
        (_with_metro(min_duration_s=600, max_duration_s=600), "min_duration_s"),
        (_with_metro(max_speed_kmh="0"), "max_speed_kmh"),
        (_with_metro(default_trip_km="0.0"), "default_trip_km"),
        (MethodologyParams(modes={"walk": METRO}), "unknown mode"),
        (MethodologyParams(modes={}), "at least one mode"),
        (msgspec.structs.replace(NJ_GT_V1, points=PointsRule(grams_per_point=0)), "grams_per"),
        (msgspec.structs.replace(NJ_GT_V1, points=PointsRule(daily_trip_cap=0)), "trip_cap"),
        (msgspec.structs.replace(NJ_GT_V1, points=PointsRule(daily_points_cap=-5)), "points_cap"),
        (msgspec.structs.replace(NJ_GT_V1, window_days=0), "window_days"),
        (msgspec.structs.replace(NJ_GT_V1, future_tolerance_s=-1), "future_tolerance_s"),
    ],
)
def test_validate_refuses(params: MethodologyParams, fragment: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        validate(params)
    assert caught.value.code == "invalid_methodology"
    assert fragment in caught.value.detail


def test_validate_accepts_three_decimals_and_equal_factors() -> None:
    validate(_with_metro(mode_g_per_pkm="120.000", min_distance_km="0.125", max_speed_kmh="79.5"))
    assert _mode(min_distance_km="0.125").min_distance_m == 125


def test_json_round_trip() -> None:
    data = to_json(NJ_GT_V1)
    assert from_json(msgspec.json.decode(msgspec.json.encode(data))) == NJ_GT_V1
    assert data["modes"]["bus"]["default_trip_km"] == "4.0"


def test_from_json_refuses_bad_documents() -> None:
    data = to_json(NJ_GT_V1)
    data["modes"]["metro"]["mode_g_per_pkm"] = "130.0"  # above the baseline
    with pytest.raises(InvalidInput, match="exceeds"):
        from_json(data)
    typo = to_json(NJ_GT_V1)
    typo["points"]["daily_trip_caps"] = 3
    with pytest.raises(InvalidInput) as caught:
        from_json(typo)
    assert caught.value.code == "invalid_methodology"
    with pytest.raises(InvalidInput):
        from_json({"modes": {"metro": {"baseline_g_per_pkm": 120}}})
