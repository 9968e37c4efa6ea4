from __future__ import annotations

from datetime import datetime

import msgspec

from api.schemas import Text32


class ConsentIn(msgspec.Struct, forbid_unknown_fields=True):
    version: Text32


class ConsentOut(msgspec.Struct):
    version: str
    given_at: datetime


class ExpiringPoints(msgspec.Struct):
    points: int
    expires_at: datetime


class PointsOut(msgspec.Struct):
    balance: int
    expiring: list[ExpiringPoints]


class ReductionsOut(msgspec.Struct):
    total_g: int
    today_g: int


class MeOut(msgspec.Struct):
    citizen_id: str
    consent: ConsentOut | None
    points: PointsOut
    reductions: ReductionsOut
    bindings_count: int
