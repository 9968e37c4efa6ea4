"""Daily caps per citizen and Asia/Shanghai day (METHODOLOGY.md): trips first, then points."""

from __future__ import annotations

import msgspec

from domain.methodology.params import PointsRule
from domain.trips.model import Reason, Status


class DayTally(msgspec.Struct):
    """What a citizen has been credited on one Shanghai calendar day (mutable)."""

    trips: int = 0
    points: int = 0


def apply_caps(points: int, tally: DayTally, rule: PointsRule) -> tuple[int, Status, Reason | None]:
    """The points a trip earns after the caps, its status and reason; counts it in `tally`.

    A trip over either cap earns nothing (capped); a trip that crosses the points cap earns only
    the remainder and is still credited.
    """
    if tally.trips >= rule.daily_trip_cap:
        return 0, Status.CAPPED, Reason.DAILY_TRIP_CAP
    if tally.points >= rule.daily_points_cap:
        return 0, Status.CAPPED, Reason.DAILY_POINTS_CAP
    awarded = min(max(points, 0), rule.daily_points_cap - tally.points)
    tally.trips += 1
    tally.points += awarded
    return awarded, Status.CREDITED, None
