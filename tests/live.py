"""A real uvicorn server on a free port of 127.0.0.1, for tests that need real sockets
(live events, browsers)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import uvicorn
from litestar import Litestar

TIMEOUT = 10


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Server(uvicorn.Server):
    """uvicorn with an event set once it listens."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = asyncio.Event()

    async def startup(self, sockets=None) -> None:
        await super().startup(sockets)
        self.ready.set()


@asynccontextmanager
async def serve(app: Litestar, port: int | None = None, **options: object) -> AsyncIterator[str]:
    """Serve `app` until the block ends; yields the base URL. `port`: one chosen beforehand (say
    with `free_port()`, when the app must know its own address), else a free one. `options` go
    to uvicorn."""
    port = port or free_port()
    config: dict[str, object] = {"log_config": None, "timeout_graceful_shutdown": 1, **options}
    server = _Server(
        uvicorn.Config(app, **{**config, "host": "127.0.0.1", "port": port, "lifespan": "on"})
    )
    task = asyncio.create_task(server.serve())
    await asyncio.wait_for(server.ready.wait(), TIMEOUT)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, TIMEOUT)


@asynccontextmanager
async def http_client(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client of a real server running `app`: requests made concurrently are served
    concurrently (Litestar's AsyncTestClient runs the app in a portal thread and blocks the
    caller's loop per request, so `asyncio.gather` over it is sequential)."""
    async with serve(app) as url, httpx.AsyncClient(base_url=url, timeout=60) as client:
        yield client
