"""Live events: published to a citizen's channel after the transaction that caused them commits.

Channels are Litestar's: Redis pub/sub when PUHUI_REDIS_URL is set (every process sees every
event), process memory otherwise. With Redis, all of a request's events leave in one pipelined
round trip (a feed batch credits hundreds of trips at once), not one script call per event.
"""

from __future__ import annotations

import logging

import msgspec
from litestar.channels import ChannelsPlugin
from litestar.channels.backends.memory import MemoryChannelsBackend
from redis.asyncio import Redis
from redis.exceptions import RedisError

from api.pubsub import ResilientPubSubBackend
from api.redis_link import RedisBreaker
from domain.persistence.uow import Event

log = logging.getLogger("puhui.events")
_encode = msgspec.json.Encoder().encode


def channels_plugin(redis: Redis | None) -> ChannelsPlugin:
    backend = (
        ResilientPubSubBackend(redis=redis, key_prefix="puhui:channels")
        if redis is not None
        else MemoryChannelsBackend()
    )
    return ChannelsPlugin(
        backend=backend,
        arbitrary_channels_allowed=True,
        subscriber_max_backlog=1000,
        subscriber_backlog_strategy="dropleft",
    )


def citizen_channel(citizen_id: str) -> str:
    return f"citizen:{citizen_id}"


async def publish(
    channels: ChannelsPlugin,
    redis: Redis | None,
    events: list[Event],
    breaker: RedisBreaker | None = None,
) -> None:
    """Deliver events; call only after commit. Best effort: the ledger, not the event, is truth
    (while Redis is unreachable they are dropped, and the request that caused them succeeds)."""
    if not events:
        return
    if redis is None:
        for event in events:
            channels.publish({"event": event.name, "data": event.payload}, [event.channel])
        return
    if breaker is not None and not breaker.usable:
        log.warning("events not published: redis is down", extra={"events": len(events)})
        return
    try:
        async with redis.pipeline(transaction=False) as pipe:
            for event in events:
                # the pub/sub backend subscribes to the bare channel name
                pipe.publish(event.channel, _encode({"event": event.name, "data": event.payload}))
            await pipe.execute()
    except RedisError as exc:
        log.warning("events not published: %s", type(exc).__name__, extra={"events": len(events)})
        if breaker is not None:
            breaker.failed(exc)
    else:
        if breaker is not None:
            breaker.succeeded()
