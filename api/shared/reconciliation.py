"""An operator's reconciliation for a Shanghai day, as the operator and staff read it."""

from __future__ import annotations

from datetime import date

import msgspec
from litestar.params import QueryParameter


class StatusTotals(msgspec.Struct):
    trips: int
    distance_m: int
    reduction_g: int
    points: int


class Reconciliation(msgspec.Struct):
    operator_id: str
    date: date
    timezone: str
    statuses: dict[str, StatusTotals]
    total: StatusTotals


DATE_PARAM = QueryParameter(name="date", description="YYYY-MM-DD, Asia/Shanghai")
