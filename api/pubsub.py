"""Redis pub/sub for the live-events channels, surviving Redis outages and restarts.

Litestar's pub/sub backend reads messages in one long-lived task; the first connection error
would end that task, and live events with it, until the service restarted. Here the reader waits
and reconnects instead (redis-py subscribes the connection again to every channel it had), and a
subscribe that fails while Redis is down is kept and sent again once Redis answers. Events
published during the outage are lost: they are notifications, the ledger is the truth, and a
client reads its balance again when its stream comes back.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, Iterable
from typing import Any

from litestar.channels.backends.redis import RedisChannelsPubSubBackend
from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger("puhui.events")

RECONNECT_MIN_SECONDS = 0.2
RECONNECT_MAX_SECONDS = 5.0


class ResilientPubSubBackend(RedisChannelsPubSubBackend):
    def __init__(self, *, redis: Redis, key_prefix: str) -> None:
        super().__init__(redis=redis, key_prefix=key_prefix)
        self._deferred: set[str] = set()  # channels to subscribe once Redis answers

    async def subscribe(self, channels: Iterable[str]) -> None:
        channels = set(channels)
        try:
            await super().subscribe(channels)
        except RedisError as exc:
            log.warning("subscribe deferred until redis is back: %s", type(exc).__name__)
            self._deferred |= channels
            self._has_subscribed.set()  # the reader retries it

    async def unsubscribe(self, channels: Iterable[str]) -> None:
        channels = set(channels)
        self._deferred -= channels
        pubsub = self._pub_sub
        try:
            await super().unsubscribe(channels)
        except RedisError as exc:
            # forget them here too, or the reconnection would subscribe them again
            log.warning("unsubscribed locally while redis is down: %s", type(exc).__name__)
            for channel in channels:
                pubsub.channels.pop(channel.encode(), None)
                pubsub.pending_unsubscribe_channels.discard(channel.encode())
        if not (pubsub.channels.keys() - pubsub.pending_unsubscribe_channels or self._deferred):
            self._has_subscribed.clear()

    async def stream_events(self) -> AsyncGenerator[tuple[str, Any], None]:
        delay = RECONNECT_MIN_SECONDS
        pubsub = self._pub_sub
        while True:
            await self._has_subscribed.wait()
            try:
                if self._deferred:
                    pending = set(self._deferred)
                    await pubsub.subscribe(*pending)
                    self._deferred -= pending
                    log.warning("live events resumed")
                if pubsub.connection is None:  # nothing subscribed after all
                    self._has_subscribed.clear()
                    continue
                message = await pubsub.get_message(
                    ignore_subscribe_messages=True, timeout=self._stream_sleep_no_subscriptions
                )
            except RedisError as exc:
                log.warning("live events paused: %s; retrying in %.1f s", type(exc).__name__, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, RECONNECT_MAX_SECONDS)
                continue
            delay = RECONNECT_MIN_SECONDS
            if message is None:
                continue
            channel: str = message["channel"].decode()
            # unsubscribing is queued by Redis: skip what arrives for a channel we already left
            if message["channel"] in pubsub.channels.keys() - pubsub.pending_unsubscribe_channels:
                yield channel, message["data"]
