"""While Redis fails, named stores count in process memory and callers skip Redis for a short
cooldown; the first call after it tries Redis again, and a success closes the breaker."""

from __future__ import annotations

from litestar.stores.memory import MemoryStore
from redis.exceptions import ConnectionError as RedisConnectionError

from api.redis_link import RedisBreaker
from api.stores import FallbackStore


class Clock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


class FlakyStore(MemoryStore):
    """A memory store that fails like a dead Redis while `down`."""

    def __init__(self) -> None:
        super().__init__()
        self.down = False
        self.calls = 0

    async def get(self, key, renew_for=None):
        self.calls += 1
        if self.down:
            raise RedisConnectionError("Connection refused")
        return await super().get(key, renew_for)

    async def set(self, key, value, expires_in=None):
        self.calls += 1
        if self.down:
            raise RedisConnectionError("Connection refused")
        await super().set(key, value, expires_in)


def test_the_breaker_opens_for_its_cooldown_and_closes_on_success() -> None:
    clock = Clock()
    breaker = RedisBreaker(2.0, clock=clock)
    assert breaker.usable
    breaker.failed(RedisConnectionError())
    assert not breaker.usable
    clock.now += 1.9
    assert not breaker.usable
    clock.now += 0.2
    assert breaker.usable  # try Redis again
    breaker.failed(RedisConnectionError())
    assert not breaker.usable
    breaker.succeeded()  # e.g. /ready's PING answered
    assert breaker.usable


async def test_a_store_falls_back_to_memory_and_comes_back() -> None:
    clock = Clock()
    redis, memory = FlakyStore(), MemoryStore()
    store = FallbackStore(redis, memory, RedisBreaker(2.0, clock=clock))
    await store.set("hits", b"1")
    assert await redis.get("hits") == b"1"

    redis.down = True
    await store.set("hits", b"2")  # served, not raised: counted in memory
    assert await memory.get("hits") == b"2"
    calls = redis.calls
    assert await store.get("hits") == b"2"
    assert redis.calls == calls  # the breaker is open: Redis is not even tried

    redis.down = False
    clock.now += 2.1
    assert await store.get("hits") == b"1"  # Redis again, with what it held
    await store.set("hits", b"3")
    assert await redis.get("hits") == b"3"
