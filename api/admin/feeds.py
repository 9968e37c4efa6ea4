"""/v1/admin/operators/{id}/feed: where and in which format we pull an operator's records.

`format` is the contract (`mds-2.0`, `metro-taps` ...); the older `mds_version` is still accepted
and means `format = "mds-" + mds_version`. Without either, a bike-share feed is `mds-2.0`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Controller, get, put

from api.security.auth import staff_guard
from api.services import Services
from domain.errors import InvalidInput, NotFound
from domain.governance.audit import Actor
from domain.identity.principal import Role
from domain.operators import feeds
from domain.persistence.uow import UnitOfWork


class FeedIn(msgspec.Struct, forbid_unknown_fields=True):
    base_url: Annotated[str, msgspec.Meta(min_length=8, max_length=500)]
    token: Annotated[str, msgspec.Meta(min_length=1, max_length=4096)]
    format: Annotated[str, msgspec.Meta(min_length=1, max_length=32)] | None = None
    mds_version: Annotated[str, msgspec.Meta(min_length=1, max_length=8)] | None = None
    enabled: bool = True

    def asked_format(self) -> str | None:
        """The format asked for: `format`, else the one `mds_version` names, else None."""
        legacy = None if self.mds_version is None else feeds.MDS_PREFIX + self.mds_version
        if self.format is not None and legacy is not None and legacy != self.format:
            raise InvalidInput(
                f"format {self.format} and mds_version {self.mds_version} disagree",
                code="invalid_feed",
            )
        return self.format or legacy


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
    format: str
    mds_version: str | None  # the MDS version of an mds-* format; null for the others
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
        format=feed.format,
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
        summary="Set the endpoint, format and bearer token we pull hourly (token stored encrypted)",
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
            format=data.asked_format(),
            enabled=data.enabled,
            now=now,
            readers=services.intake.readers,
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
