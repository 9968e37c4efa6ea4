"""Live events: published to a citizen's channel after the transaction that caused them commits.

Channels are Litestar's: Redis pub/sub when PUHUI_REDIS_URL is set (every process sees every
event), process memory otherwise.
"""

from __future__ import annotations

from litestar.channels import ChannelsPlugin
from litestar.channels.backends.memory import MemoryChannelsBackend
from litestar.channels.backends.redis import RedisChannelsPubSubBackend
from redis.asyncio import Redis

from domain.persistence.uow import Event


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


def publish(channels: ChannelsPlugin | None, events: list[Event]) -> None:
    """Queue events for delivery (non-blocking); call only after commit."""
    if channels is None:
        return
    for event in events:
        channels.publish({"event": event.name, "data": event.payload}, [event.channel])
