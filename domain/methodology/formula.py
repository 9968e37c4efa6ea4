"""The crediting formula (METHODOLOGY.md) in exact integers: no float touches an amount."""

from __future__ import annotations

from domain.errors import InvalidInput
from domain.methodology.params import ModeParams, PointsRule

_MG_PER_G_X_M_PER_KM = 1_000_000  # (metres x mg per km) -> grams


def reduction_g(distance_m: int, mode: ModeParams) -> int:
    """floor(distance_km x (baseline - mode factor)) in grams, computed as
    floor(distance_m x net_mg_per_pkm / 1,000,000). Never negative."""
    if distance_m < 0:
        raise InvalidInput(f"negative distance: {distance_m} m")
    net_mg = mode.baseline_mg - mode.mode_mg
    if net_mg <= 0:
        return 0
    return distance_m * net_mg // _MG_PER_G_X_M_PER_KM


def points_for(grams: int, rule: PointsRule) -> int:
    """floor(grams / grams_per_point)."""
    if grams < 0:
        raise InvalidInput(f"negative reduction: {grams} g")
    return grams // rule.grams_per_point
