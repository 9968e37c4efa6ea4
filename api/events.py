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
from litestar.channels.backends.redis import RedisChannelsPubSubBackend
from redis.asyncio import Redis
from redis.exceptions import RedisError

from domain.persistence.uow import Event

log = logging.getLogger("puhui.events")
_encode = msgspec.json.Encoder().encode


def channels_plugin(redis: Redis | None) -> ChannelsPlugin:
    backend = (
        RedisChannelsPubSubBackend(redis=redis, key_prefix="puhui:channels")
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


async def publish(channels: ChannelsPlugin, redis: Redis | None, events: list[Event]) -> None:
    """Deliver events; call only after commit. Best effort: the ledger, not the event, is truth."""
    if not events:
        return
    if redis is None:
        for event in events:
            channels.publish({"event": event.name, "data": event.payload}, [event.channel])
        return
    try:
        async with redis.pipeline(transaction=False) as pipe:
            for event in events:
                # the pub/sub backend subscribes to the bare channel name
                pipe.publish(event.channel, _encode({"event": event.name, "data": event.payload}))
            await pipe.execute()
    except RedisError:
        log.exception("events not published", extra={"events": len(events)})
