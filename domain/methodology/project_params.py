"""Parameters of a project methodology (scope `project`): what the registry needs of a method by
which organisations' projects are validated and verified (forest carbon, energy, waste ...).

Travel methodologies (scope `travel`) carry the crediting formula's factors (params.py); a
project methodology carries none: its reductions are claimed in monitoring reports and verified
by a third party, in whole tonnes.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec

from domain.errors import InvalidInput

Sector = Literal["forestry", "energy", "transport", "buildings", "waste", "agriculture", "other"]


class ProjectParams(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    sector: Sector
    unit: Literal["tCO2e"] = "tCO2e"
    max_crediting_years: int  # the longest crediting period a project may claim
    baseline: str = ""  # how the baseline scenario is set, in words
    monitoring: str = ""  # what a monitoring report must show

    def __post_init__(self) -> None:
        if not 1 <= self.max_crediting_years <= 60:
            raise InvalidInput("params.max_crediting_years: 1 to 60", code="invalid_methodology")
        if len(self.baseline) > 4000 or len(self.monitoring) > 4000:
            raise InvalidInput(
                "params.baseline and params.monitoring: at most 4000 characters each",
                code="invalid_methodology",
            )


def checked(params: dict[str, Any]) -> dict[str, Any]:
    """The params in store form, or InvalidInput `invalid_methodology` saying what is wrong."""
    try:
        parsed = msgspec.convert(params, ProjectParams)
    except msgspec.ValidationError as exc:
        raise InvalidInput(f"parameters: {exc}", code="invalid_methodology") from exc
    return msgspec.to_builtins(parsed)
