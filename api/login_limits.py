"""Citizen sign-ins per WeChat code and per openid: at most N a minute for each.

Abuse control, not security state: the counts live in Redis when it is configured (shared by
every process) and in process memory otherwise or while Redis is unreachable; losing them loses
nothing that matters.
A key's minute starts at its first sign-in. Codes and openids are counted under a keyed hash,
never in clear.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

from domain.crypto import DataProtector
from domain.errors import TooManyAttempts

WINDOW_SECONDS = 60


class Counters(Protocol):
    async def hit(self, key: str) -> tuple[int, int]:
        """Count one hit on `key`: (hits in its current window, seconds until it ends)."""
        ...


class MemoryCounters:
    PRUNE_ABOVE = 10_000  # keys held before the ended windows are dropped

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._windows: dict[str, tuple[int, float]] = {}  # key -> (hits, window end)

    async def hit(self, key: str) -> tuple[int, int]:
        now = self._clock()
        if len(self._windows) > self.PRUNE_ABOVE:
            self._windows = {k: v for k, v in self._windows.items() if v[1] > now}
        hits, ends = self._windows.get(key, (0, 0.0))
        if ends <= now:
            hits, ends = 0, now + WINDOW_SECONDS
        self._windows[key] = (hits + 1, ends)
        return hits + 1, max(1, int(ends - now))


class Breaker(Protocol):
    """When to leave Redis alone for a while (api/redis_link.py's RedisBreaker)."""

    @property
    def usable(self) -> bool: ...

    def failed(self, exc: BaseException) -> None: ...

    def succeeded(self) -> None: ...


class RedisCounters:
    """Counted in Redis, atomically (one MULTI per hit); in process memory while Redis is
    unreachable, as the other rate limits are (api/stores.py)."""

    def __init__(
        self,
        redis: Redis,
        breaker: Breaker,
        fallback: Counters | None = None,
        namespace: str = "puhui:login-limits",
    ) -> None:
        self._redis = redis
        self._breaker = breaker
        self._fallback = fallback or MemoryCounters()
        self._namespace = namespace

    async def hit(self, key: str) -> tuple[int, int]:
        if self._breaker.usable:
            try:
                counted = await self._hit(f"{self._namespace}:{key}")
            except RedisError as exc:
                self._breaker.failed(exc)
            else:
                self._breaker.succeeded()
                return counted
        return await self._fallback.hit(key)

    async def _hit(self, name: str) -> tuple[int, int]:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(name, 0, ex=WINDOW_SECONDS, nx=True)  # the window starts with its first hit
            pipe.incr(name)
            pipe.ttl(name)
            _, hits, ttl = await pipe.execute()
        return int(hits), max(1, int(ttl))


class LoginLimits:
    def __init__(self, counters: Counters, protector: DataProtector, per_minute: int) -> None:
        self._counters = counters
        self._protector = protector
        self.per_minute = per_minute

    async def hit(self, kind: str, value: str) -> None:
        """Count a sign-in with this WeChat code or openid (`kind`); refuse past the limit."""
        hits, retry_after = await self._counters.hit(
            self._protector.keyed_hash(f"login-limit/{kind}", value)
        )
        if hits > self.per_minute:
            raise TooManyAttempts(
                f"too many sign-ins with this {kind} in a minute; wait",
                code="too_many_sign_ins",
                retry_after=retry_after,
            )
