"""Live events: sampled citizens listening on GET /v1/me/events (SSE), in their own thread and
event loop so that the ingest load on the main loop does not delay them."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter

import httpx


class EventListeners(threading.Thread):
    def __init__(self, base: str, tokens: dict[str, str]) -> None:
        super().__init__(daemon=True, name="sse-listeners")
        self.base, self.tokens = base, tokens
        self.ready = threading.Event()
        self.ready_once: set[str] = set()
        self.drops: list[tuple[float, str, str]] = []  # (perf_counter, citizen, why)
        self.arrivals: dict[str, float] = {}  # citizen -> perf_counter of the first credit event
        self.events: Counter[str] = Counter()
        self.errors: list[str] = []
        self._stop_flag = threading.Event()

    def run(self) -> None:
        asyncio.run(self._main())

    async def _listen(self, client: httpx.AsyncClient, citizen: str, token: str) -> None:
        """Like EventSource: reconnect (after 0.2 s) whenever the server ends the stream."""
        headers = {"Authorization": f"Bearer {token}", "Accept": "text/event-stream"}
        while not self._stop_flag.is_set():
            try:
                async with client.stream("GET", "/v1/me/events", headers=headers) as r:
                    if r.status_code != 200:
                        self.errors.append(f"{citizen}: HTTP {r.status_code}")
                        return
                    event = None
                    async for line in r.aiter_lines():
                        if line.startswith("event:"):
                            event = line[6:].strip()
                        elif line.startswith("data:") and event is not None:
                            now = time.perf_counter()
                            self.events[event] += 1
                            if event == "ready":
                                self.ready_once.add(citizen)
                            elif event == "points.credited" and citizen not in self.arrivals:
                                self.arrivals[citizen] = now
                        elif line.startswith(":"):
                            self.events["(keep-alive comment)"] += 1
                        elif line == "":
                            event = None
                self.drops.append((time.perf_counter(), citizen, "stream ended by the server"))
            except httpx.HTTPError as exc:
                self.drops.append((time.perf_counter(), citizen, type(exc).__name__))
            await asyncio.sleep(0.2)

    async def _main(self) -> None:
        n = len(self.tokens)
        limits = httpx.Limits(max_connections=n + 1, max_keepalive_connections=n + 1)
        timeout = httpx.Timeout(10.0, read=None)
        async with httpx.AsyncClient(base_url=self.base, timeout=timeout, limits=limits) as c:
            tasks = [
                asyncio.create_task(self._listen(c, cid, tok)) for cid, tok in self.tokens.items()
            ]
            deadline = time.monotonic() + 60
            while len(self.ready_once) < n and time.monotonic() < deadline:  # noqa: ASYNC110
                await asyncio.sleep(0.02)
            self.ready.set()
            while not self._stop_flag.is_set():  # noqa: ASYNC110
                await asyncio.sleep(0.02)
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    def wait_for(self, citizens: set[str], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not citizens <= self.arrivals.keys():
            time.sleep(0.05)

    def stop(self) -> None:
        self._stop_flag.set()
        self.join(timeout=10)
