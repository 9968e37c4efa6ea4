"""A methodology version's parameters (METHODOLOGY.md): pure data, exact integer views, defaults.

Factors and lengths are decimal strings with at most 3 decimals, so every quantity the formula and
the rules use has an exact integer form: g/pkm -> mg/pkm, km -> m, km/h -> m/h.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import msgspec

from domain.errors import InvalidInput
from domain.trips.model import Mode

_DECIMAL = re.compile(r"([+-]?)([0-9]+)(?:\.([0-9]+))?")
_CODE = "invalid_methodology"


def _invalid(detail: str) -> InvalidInput:
    return InvalidInput(detail, code=_CODE)


def _milli(value: str) -> int:
    """The exact value x 1000 of a decimal string such as "46.8" (-> 46800); "-0" is 0."""
    if not isinstance(value, str):
        raise _invalid(f"expected a decimal string, got {value!r}")
    return _parse_milli(value)


@lru_cache(maxsize=256)
def _parse_milli(value: str) -> int:
    match = _DECIMAL.fullmatch(value)
    if match is None:
        raise _invalid(f"not a decimal number: {value!r}")
    sign, whole, frac = match.groups()
    frac = frac or ""
    if len(frac) > 3:
        raise _invalid(f"more than 3 decimals: {value!r}")
    amount = int(whole) * 1000 + int(frac.ljust(3, "0"))
    return -amount if sign == "-" else amount


class ModeParams(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One mode's factors and plausibility limits."""

    baseline_g_per_pkm: str
    mode_g_per_pkm: str
    min_distance_km: str
    max_speed_kmh: str
    min_duration_s: int
    max_duration_s: int
    default_trip_km: str | None = None  # used when the trip's end is unknown (bus)

    @property
    def baseline_mg(self) -> int:
        """Baseline factor in milligrams per person-km."""
        return _milli(self.baseline_g_per_pkm)

    @property
    def mode_mg(self) -> int:
        """Mode factor in milligrams per person-km."""
        return _milli(self.mode_g_per_pkm)

    @property
    def net_mg(self) -> int:
        """Reduction per person-km in milligrams (baseline - mode)."""
        return self.baseline_mg - self.mode_mg

    @property
    def min_distance_m(self) -> int:
        return _milli(self.min_distance_km)

    @property
    def default_trip_m(self) -> int | None:
        return None if self.default_trip_km is None else _milli(self.default_trip_km)

    @property
    def max_speed_m_per_h(self) -> int:
        """Maximum average speed in metres per hour (exact: km/h with 3 decimals x 1000)."""
        return _milli(self.max_speed_kmh)


class PointsRule(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    grams_per_point: int = 1
    daily_trip_cap: int = 10
    daily_points_cap: int = 3000


class MethodologyParams(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    modes: dict[str, ModeParams]  # keys are Mode values
    points: PointsRule = PointsRule()
    window_days: int = 7  # a trip older than this when received is too_old
    future_tolerance_s: int = 300  # a trip ending later than received_at + this is in_future
    pending_days: int = 7  # how long an unbound trip waits for a binding

    def for_mode(self, mode: Mode) -> ModeParams:
        try:
            return self.modes[Mode(mode).value]
        except (KeyError, ValueError):
            raise _invalid(f"the methodology has no parameters for mode {mode!r}") from None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_mode(key: str, mode: ModeParams) -> None:
    where = f"modes.{key}"
    decimals = {
        "baseline_g_per_pkm": mode.baseline_g_per_pkm,
        "mode_g_per_pkm": mode.mode_g_per_pkm,
        "min_distance_km": mode.min_distance_km,
        "max_speed_kmh": mode.max_speed_kmh,
    }
    if mode.default_trip_km is not None:
        decimals["default_trip_km"] = mode.default_trip_km
    for name, text in decimals.items():
        try:
            value = _milli(text)
        except InvalidInput as exc:
            raise _invalid(f"{where}.{name}: {exc.detail}") from None
        if value < 0:
            raise _invalid(f"{where}.{name} is negative: {text!r}")
    if mode.mode_mg > mode.baseline_mg:
        raise _invalid(
            f"{where}: mode_g_per_pkm {mode.mode_g_per_pkm} exceeds "
            f"baseline_g_per_pkm {mode.baseline_g_per_pkm}"
        )
    if mode.max_speed_m_per_h == 0:
        raise _invalid(f"{where}.max_speed_kmh must be positive")
    if mode.default_trip_m == 0:
        raise _invalid(f"{where}.default_trip_km must be positive")
    for name in ("min_duration_s", "max_duration_s"):
        value = getattr(mode, name)
        if not _is_int(value):
            raise _invalid(f"{where}.{name} must be an integer, got {value!r}")
        if value < 0:
            raise _invalid(f"{where}.{name} is negative: {value}")
    if mode.min_duration_s >= mode.max_duration_s:
        raise _invalid(
            f"{where}: min_duration_s ({mode.min_duration_s}) must be below "
            f"max_duration_s ({mode.max_duration_s})"
        )


def validate(params: MethodologyParams) -> None:
    """Refuse parameters the formula or the rules could not apply (InvalidInput, code
    `invalid_methodology`, detail naming the field)."""
    if not params.modes:
        raise _invalid("modes: at least one mode is required")
    known = {m.value for m in Mode}
    for key, mode in params.modes.items():
        if key not in known:
            raise _invalid(f"modes: unknown mode {key!r} (known: {', '.join(sorted(known))})")
        _check_mode(key, mode)
    rule = params.points
    for name in ("grams_per_point", "daily_trip_cap", "daily_points_cap"):
        value = getattr(rule, name)
        if not _is_int(value) or value <= 0:
            raise _invalid(f"points.{name} must be a positive integer, got {value!r}")
    for name, minimum in (("window_days", 1), ("future_tolerance_s", 0), ("pending_days", 0)):
        value = getattr(params, name)
        if not _is_int(value) or value < minimum:
            raise _invalid(f"{name} must be an integer >= {minimum}, got {value!r}")


def to_json(params: MethodologyParams) -> dict[str, Any]:
    """Plain builtins for a JSON column."""
    return msgspec.to_builtins(params)


def from_json(data: dict[str, Any]) -> MethodologyParams:
    """Parse and validate what `to_json` stored (or what staff submitted)."""
    try:
        params = msgspec.convert(data, MethodologyParams)
    except msgspec.ValidationError as exc:
        raise _invalid(str(exc)) from None
    validate(params)
    return params


_HOURS = 3600

NJ_GT_V1 = MethodologyParams(
    modes={
        Mode.METRO.value: ModeParams(
            baseline_g_per_pkm="120.0",
            mode_g_per_pkm="73.2",
            min_distance_km="1.0",
            max_speed_kmh="80",
            min_duration_s=120,
            max_duration_s=4 * _HOURS,
        ),
        Mode.BUS.value: ModeParams(
            baseline_g_per_pkm="120.0",
            mode_g_per_pkm="93.1",
            min_distance_km="0.5",
            max_speed_kmh="60",
            min_duration_s=120,
            max_duration_s=3 * _HOURS,
            default_trip_km="4.0",
        ),
        Mode.BIKESHARE.value: ModeParams(
            baseline_g_per_pkm="120.0",
            mode_g_per_pkm="26.7",
            min_distance_km="0.5",
            max_speed_kmh="25",
            min_duration_s=120,
            max_duration_s=3 * _HOURS,
        ),
    },
    points=PointsRule(grams_per_point=1, daily_trip_cap=10, daily_points_cap=3000),
    window_days=7,
    future_tolerance_s=300,
    pending_days=7,
)
"""Default methodology `NJ-GT` version 1 (METHODOLOGY.md)."""
