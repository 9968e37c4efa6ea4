"""/v1/admin/points-rules: the points rules in force, and drafting a change to them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Controller, get, post
from litestar.params import Parameter

from api.admin.methodologies import READ, WRITE
from api.shared.methodologies import MethodologyOut, out
from domain.governance.audit import Actor
from domain.methodology import points_rules
from domain.methodology.book import DEFAULT_CODE
from domain.methodology.params import PointsRule
from domain.persistence.uow import UnitOfWork
from domain.points.summary import EXPIRING_AHEAD

Cap = Annotated[int, msgspec.Meta(ge=1, le=points_rules.MAX_CAP)]
CODE = Parameter(default=DEFAULT_CODE, max_length=32, description="methodology code")


class PointsRulesOut(msgspec.Struct):
    methodology: dict[str, object]  # {code, version} of the version in force
    grams_per_point: int
    daily_trip_cap: int
    daily_points_cap: int
    expiry: str
    expiring_notice_days: int


class PointsRulesIn(msgspec.Struct, forbid_unknown_fields=True):
    grams_per_point: Cap
    daily_trip_cap: Cap
    daily_points_cap: Cap
    code: Annotated[str, msgspec.Meta(min_length=1, max_length=32)] = DEFAULT_CODE


class AdminPointsRulesController(Controller):
    path = "/v1/admin/points-rules"
    tags = ["admin"]
    security = [{"BearerToken": []}]

    @get("/", guards=[READ], summary="The points rules in force (from the methodology version)")
    async def current(self, uow: UnitOfWork, now: datetime, code: str = CODE) -> PointsRulesOut:
        r = await points_rules.in_force(uow, code, now)
        return PointsRulesOut(
            methodology={"code": r.code, "version": r.version},
            grams_per_point=r.rule.grams_per_point,
            daily_trip_cap=r.rule.daily_trip_cap,
            daily_points_cap=r.rule.daily_points_cap,
            expiry="23:59:59 Asia/Shanghai on 31 December of the year after the points were earned",
            expiring_notice_days=EXPIRING_AHEAD.days,
        )

    @post("/", guards=[WRITE], summary="Draft the next methodology version with new points rules")
    async def propose(
        self, data: PointsRulesIn, uow: UnitOfWork, actor: Actor, now: datetime
    ) -> MethodologyOut:
        rule = PointsRule(
            grams_per_point=data.grams_per_point,
            daily_trip_cap=data.daily_trip_cap,
            daily_points_cap=data.daily_points_cap,
        )
        return out(await points_rules.propose(uow, actor, data.code, rule, now))
