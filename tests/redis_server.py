"""A redis-server of a test's own, on a free port, that the test kills and restarts."""

from __future__ import annotations

import asyncio
import shutil
import signal

import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError

from tests.live import TIMEOUT, free_port


class RedisServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        """Start (or restart, on the same port) with nothing persisted, and wait for PONG."""
        assert self._process is None, "already running"
        if shutil.which("redis-server") is None:
            pytest.fail("redis-server is not installed: this test starts and kills its own Redis")
        self._process = await asyncio.create_subprocess_exec(
            "redis-server",
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        probe = Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=0.2)
        try:
            async with asyncio.timeout(TIMEOUT):
                while True:
                    try:
                        await probe.ping()
                        return
                    except RedisError:
                        await asyncio.sleep(0.05)
        finally:
            await probe.aclose()

    async def kill(self) -> None:
        """SIGKILL: no goodbye to its clients, as when the machine or container dies."""
        if self._process is not None:
            self._process.send_signal(signal.SIGKILL)
            await asyncio.wait_for(self._process.wait(), TIMEOUT)
            self._process = None
