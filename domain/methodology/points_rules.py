"""Points rules (grams per point, daily caps) as their own resource. They live in a methodology
version's parameters, so a trip stays reproducible from the version it records: reading them
reads the version in force; changing them drafts the next version of that methodology with
only the points rules changed, which then goes through review and publication like any other."""

from __future__ import annotations

from datetime import datetime

import msgspec

from domain.errors import InvalidInput, NotFound
from domain.governance.audit import Actor
from domain.methodology import service
from domain.methodology.book import load_book
from domain.methodology.params import PointsRule, to_json
from domain.persistence.tables import MethodologyVersion
from domain.persistence.uow import UnitOfWork

MAX_CAP = 1_000_000


class RulesInForce(msgspec.Struct, frozen=True):
    code: str
    version: int
    rule: PointsRule


async def in_force(uow: UnitOfWork, code: str, now: datetime) -> RulesInForce:
    version = (await load_book(uow, code)).at(now)
    if version is None:
        raise NotFound(f"no version of {code} is in force", code="no_methodology")
    return RulesInForce(code=version.code, version=version.version, rule=version.params.points)


def _checked(rule: PointsRule) -> PointsRule:
    for name in ("grams_per_point", "daily_trip_cap", "daily_points_cap"):
        value = getattr(rule, name)
        if not 0 < value <= MAX_CAP:
            raise InvalidInput(
                f"{name} must be between 1 and {MAX_CAP}", code="invalid_points_rule"
            )
    return rule


async def propose(
    uow: UnitOfWork, actor: Actor, code: str, rule: PointsRule, now: datetime
) -> MethodologyVersion:
    """A draft of the next version: the version in force with these points rules."""
    current = (await load_book(uow, code)).at(now)
    if current is None:
        raise NotFound(f"no version of {code} is in force", code="no_methodology")
    params = msgspec.structs.replace(current.params, points=_checked(rule))
    return await service.create_draft(
        uow,
        actor,
        code=code,
        title=f"{code}: points rules changed",
        methodology_class=current.methodology_class,
        params=to_json(params),
        description=(
            f"version {current.version} with grams_per_point={rule.grams_per_point}, "
            f"daily_trip_cap={rule.daily_trip_cap}, daily_points_cap={rule.daily_points_cap}"
        ),
        now=now,
    )
