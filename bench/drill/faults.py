"""The fault controller: strikes each scheduled fault while the load runs. A kill takes the
server's whole process tree down with SIGKILL and starts a new life; a Redis restart kills
redis-server (nothing persisted) and starts it again after a pause, the server left running."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from bench.drill.lives import ServerLives
from bench.drill.redis_server import RedisServer
from bench.drill.schedule import KILL, Fault, answers_between, plan_ceiling
from bench.drill.sends import SendBook
from bench.ingest.report import log


@dataclass(frozen=True)
class Struck:
    kind: str
    progress: float  # fraction of the batches answered when it struck
    in_flight: int  # requests in flight at that moment (fillers included)
    plan_in_flight: int  # of which batches of the plan (not yet answered)
    processes: int  # processes killed (a server kill)
    down_s: float  # until the server answered /health again, or Redis answered PING


class FaultController:
    def __init__(
        self,
        schedule: list[Fault],
        book: SendBook,
        lives: ServerLives,
        redis: RedisServer,
        redis_down_s: float,
        clients: int,
    ) -> None:
        self.schedule, self.book, self.lives, self.redis = schedule, book, lives, redis
        self.redis_down_s = redis_down_s
        self.clients = clients
        self.struck: list[Struck] = []

    async def run(self) -> None:
        """Holds the book open until every fault struck, and lets the plan's batches out only a
        little beyond the next fault's due point (fillers keep the traffic up meanwhile): however
        fast the load and slow the restarts, every fault meets batches of the plan in flight."""
        self.book.hold_open = True
        try:
            await self._strike_all()
        finally:
            self.book.hold_open = False
            self.book.ceiling = None

    async def _strike_all(self) -> None:
        book = self.book
        # A fault strikes only once the service, back from the last one, answered some batches.
        wanted = answers_between(len(book.batches))
        answered_since = -wanted
        for fault in self.schedule:
            sent = len(book.attempts)  # batches of the plan sent at least once
            book.ceiling = plan_ceiling(fault.after, len(book.batches), sent, self.clients)
            while book.progress < fault.after or book.answered_total < answered_since + wanted:
                if book.abandoned:
                    return
                await asyncio.sleep(0.01)
            await asyncio.sleep(fault.pause_s)
            # The blow lands on batches of the plan: two more rounds of them are let out (the
            # ceiling may have held them back), and it strikes a random moment into them.
            sent = len(book.attempts)
            book.ceiling = min(len(book.batches), max(book.ceiling or 0, sent + 2 * self.clients))
            deadline = time.monotonic() + 5
            while not book.in_flight and book.waiting and time.monotonic() < deadline:  # noqa: ASYNC110
                await asyncio.sleep(0.005)
            await asyncio.sleep(fault.strike_s)
            progress, in_flight, plan = book.progress, book.requests_in_flight, len(book.in_flight)
            t0 = time.perf_counter()
            if fault.kind == KILL:
                processes = await asyncio.to_thread(self.lives.kill)
                await asyncio.to_thread(self.lives.start)
            else:
                processes = 0
                await asyncio.to_thread(self.redis.kill)
                await asyncio.sleep(self.redis_down_s)
                await asyncio.to_thread(self.redis.start)
            s = Struck(fault.kind, progress, in_flight, plan, processes, time.perf_counter() - t0)
            self.struck.append(s)
            log(
                f"  {fault.kind} at {progress:.0%} of the batches answered, {in_flight} requests "
                f"in flight ({plan} of the plan)"
                + (f", {processes} processes killed" if processes else "")
                + f"; back after {s.down_s:.1f} s"
            )
            answered_since = book.answered_total

    @property
    def kills(self) -> int:
        return sum(1 for s in self.struck if s.kind == KILL)

    @property
    def redis_restarts(self) -> int:
        return sum(1 for s in self.struck if s.kind != KILL)
