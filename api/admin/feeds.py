"""/v1/admin/operators/{id}/feed: a bike-share operator's MDS endpoint for pull mode."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Controller, get, put

from api.security.auth import staff_guard
from api.services import Services
from domain import feeds
from domain.audit import Actor
from domain.errors import NotFound
from domain.identity.principal import Role
from domain.persistence.uow import UnitOfWork


class FeedIn(msgspec.Struct, forbid_unknown_fields=True):
    base_url: Annotated[str, msgspec.Meta(min_length=8, max_length=500)]
    token: Annotated[str, msgspec.Meta(min_length=1, max_length=4096)]
    mds_version: str = "2.0"
    enabled: bool = True


class PullOut(msgspec.Struct):
    hour: datetime
    status: str
    attempts: int
    records: int
    credited: int
    detail: str | None


class FeedOut(msgspec.Struct):
    operator_id: str
    base_url: str
    mds_version: str
    enabled: bool
    updated_at: datetime
    recent_pulls: list[PullOut]


async def _out(uow: UnitOfWork, operator_id: str) -> FeedOut:
    feed = await uow.feeds.get(operator_id)
    if feed is None:
        raise NotFound("no feed configured", code="feed_missing")
    pulls = await uow.feeds.pulls(operator_id, 24)
    return FeedOut(
        operator_id=operator_id,
        base_url=feed.base_url,
        mds_version=feed.mds_version,
        enabled=feed.enabled,
        updated_at=feed.updated_at,
        recent_pulls=[
            PullOut(
                hour=p.hour,
                status=p.status,
                attempts=p.attempts,
                records=p.records,
                credited=p.credited,
                detail=p.detail,
            )
            for p in pulls
        ],
    )


class AdminFeedController(Controller):
    path = "/v1/admin/operators/{operator_id:str}/feed"
    tags = ["admin"]
    security = [{"BearerToken": []}]

    @put(
        "/",
        guards=[staff_guard(Role.ADMIN, Role.OPERATIONS)],
        summary="Set the MDS endpoint and bearer token we pull hourly (token stored encrypted)",
    )
    async def configure(
        self,
        operator_id: str,
        data: FeedIn,
        uow: UnitOfWork,
        services: Services,
        actor: Actor,
        now: datetime,
    ) -> FeedOut:
        await feeds.configure(
            uow,
            services.protector,
            actor,
            operator_id,
            base_url=data.base_url,
            token=data.token,
            mds_version=data.mds_version,
            enabled=data.enabled,
            now=now,
        )
        await uow.flush()
        return await _out(uow, operator_id)

    @get(
        "/",
        guards=[staff_guard(Role.ADMIN, Role.OPERATIONS, Role.AUDITOR)],
        summary="The feed (without its token) and its last pulls",
    )
    async def show(self, operator_id: str, uow: UnitOfWork) -> FeedOut:
        return await _out(uow, operator_id)
