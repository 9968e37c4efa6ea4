"""Pull-mode feeds: configuring an operator's MDS endpoint (token stored encrypted)."""

from __future__ import annotations

from datetime import datetime

from domain.audit import Actor, record
from domain.crypto import DataProtector
from domain.errors import InvalidInput, NotFound
from domain.persistence.tables import OperatorFeed
from domain.persistence.uow import UnitOfWork

VERSIONS = ("1.2", "2.0")


async def configure(
    uow: UnitOfWork,
    protector: DataProtector,
    actor: Actor,
    operator_id: str,
    *,
    base_url: str,
    token: str,
    mds_version: str,
    enabled: bool,
    now: datetime,
) -> OperatorFeed:
    operator = await uow.operators.get(operator_id)
    if operator is None:
        raise NotFound("no such operator", code="operator_not_found")
    if operator.kind != "bikeshare":
        raise InvalidInput("pull mode is for bike-share (MDS) operators", code="not_bikeshare")
    if not base_url.startswith(("https://", "http://")):
        raise InvalidInput("base_url must be an http(s) URL", code="invalid_feed")
    if mds_version not in VERSIONS:
        raise InvalidInput("mds_version must be 1.2 or 2.0", code="invalid_feed")
    feed = await uow.feeds.get(operator_id)
    before = None if feed is None else {"base_url": feed.base_url, "enabled": feed.enabled}
    if feed is None:
        feed = OperatorFeed(operator_id=operator_id)
        uow.feeds.add(feed)
    feed.base_url, feed.mds_version, feed.enabled = base_url.rstrip("/"), mds_version, enabled
    feed.token_encrypted = protector.encrypt(token)
    feed.updated_at = now
    after = {"base_url": feed.base_url, "enabled": enabled, "mds_version": mds_version}
    record(uow, actor, "operator.feed.configure", "operator", operator_id, before, after, now)
    return feed
