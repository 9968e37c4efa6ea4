"""Pull-mode feeds: where the platform pulls an operator's records, in which registered format
(any operator kind: `mds-2.0` for bike-share, `metro-taps` for metro ...); the token is stored
encrypted."""

from __future__ import annotations

from datetime import datetime

from domain.crypto import DataProtector
from domain.errors import InvalidInput, NotFound
from domain.governance.audit import Actor, record
from domain.persistence.tables import OperatorFeed
from domain.persistence.uow import UnitOfWork
from domain.trips.readers import FeedReaders

MDS_PREFIX = "mds-"
DEFAULT_FORMATS = {"bikeshare": "mds-2.0"}  # the format of a feed configured without one


def mds_version_of(format: str) -> str | None:
    """The MDS version an `mds-X.Y` format names (None for the other formats)."""
    return format.removeprefix(MDS_PREFIX) if format.startswith(MDS_PREFIX) else None


async def configure(
    uow: UnitOfWork,
    protector: DataProtector,
    actor: Actor,
    operator_id: str,
    *,
    base_url: str,
    token: str,
    format: str | None,
    enabled: bool,
    now: datetime,
    readers: FeedReaders,
) -> OperatorFeed:
    operator = await uow.operators.get(operator_id)
    if operator is None:
        raise NotFound("no such operator", code="operator_not_found")
    if not base_url.startswith(("https://", "http://")):
        raise InvalidInput("base_url must be an http(s) URL", code="invalid_feed")
    if format is None:
        format = DEFAULT_FORMATS.get(operator.kind)
        if format is None:
            known = ", ".join(readers.names_for(operator.kind)) or "none registered"
            raise InvalidInput(
                f"give the feed's format for a {operator.kind} operator ({known})",
                code="invalid_feed",
            )
    fmt = readers.named(format, operator.kind)  # InvalidInput invalid_feed: unknown, other kind
    feed = await uow.feeds.get(operator_id)
    before = (
        None
        if feed is None
        else {"base_url": feed.base_url, "enabled": feed.enabled, "format": feed.format}
    )
    if feed is None:
        feed = OperatorFeed(operator_id=operator_id)
        uow.feeds.add(feed)
    feed.base_url, feed.format, feed.enabled = base_url.rstrip("/"), fmt.name, enabled
    feed.mds_version = mds_version_of(fmt.name)
    feed.token_encrypted = protector.encrypt(token)
    feed.updated_at = now
    after = {"base_url": feed.base_url, "enabled": enabled, "format": fmt.name}
    record(uow, actor, "operator.feed.configure", "operator", operator_id, before, after, now)
    return feed
