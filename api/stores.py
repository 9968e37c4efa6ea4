"""Named key-value stores (rate-limit counters): Redis when configured, shared by every process;
process memory while Redis is unreachable, so limits keep counting per process instead of
failing the request; Redis again as soon as it answers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

from litestar.stores.base import Store
from redis.exceptions import RedisError

from api.redis_link import RedisBreaker

T = TypeVar("T")


class FallbackStore(Store):
    def __init__(self, primary: Store, fallback: Store, breaker: RedisBreaker) -> None:
        self.primary = primary
        self.fallback = fallback
        self._breaker = breaker

    async def _run(self, call: Callable[[Store], Awaitable[T]]) -> T:
        if self._breaker.usable:
            try:
                result = await call(self.primary)
            except RedisError as exc:
                self._breaker.failed(exc)
            else:
                self._breaker.succeeded()
                return result
        return await call(self.fallback)

    async def set(
        self, key: str, value: str | bytes, expires_in: int | timedelta | None = None
    ) -> None:
        await self._run(lambda s: s.set(key, value, expires_in))

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        return await self._run(lambda s: s.get(key, renew_for))

    async def delete(self, key: str) -> None:
        await self._run(lambda s: s.delete(key))

    async def delete_all(self) -> None:
        await self.fallback.delete_all()
        await self._run(lambda s: s.delete_all())

    async def exists(self, key: str) -> bool:
        return await self._run(lambda s: s.exists(key))

    async def expires_in(self, key: str) -> int | None:
        return await self._run(lambda s: s.expires_in(key))
