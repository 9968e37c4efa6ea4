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
    expiring: list[ExpiringPoints]  # lots expiring within 30 days
    lots: list[ExpiringPoints]  # every lot holding points, soonest expiry first


class ReductionsOut(msgspec.Struct):
    total_g: int
    today_g: int


class MeOut(msgspec.Struct):
    citizen_id: str
    consent: ConsentOut | None
    points: PointsOut
    reductions: ReductionsOut
    bindings_count: int


class BindingCodeIn(msgspec.Struct, forbid_unknown_fields=True):
    operator_id: str


class BindingCodeOut(msgspec.Struct):
    code: str
    expires_at: datetime
    operator_id: str


class BindingOut(msgspec.Struct):
    binding_id: str
    operator_id: str
    mode: str
    account_hint: str
    bound_at: datetime


class MethodologyRef(msgspec.Struct):
    code: str
    version: int


class TripOut(msgspec.Struct):
    trip_id: str
    operator_id: str
    mode: str
    started_at: datetime
    ended_at: datetime
    distance_m: int | None
    reduction_g: int
    points: int
    status: str
    reason: str | None
    methodology: MethodologyRef | None


class LedgerEntryOut(msgspec.Struct):
    entry_id: str
    kind: str
    points: int  # signed: positive in, negative out
    balance_after: int
    created_at: datetime
    ref: str | None
    seq: int
    hash: str
