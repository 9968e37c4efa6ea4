"""The timed phase: transfers and retirements, shuffled, from concurrent clients over HTTP, each
with its own Idempotency-Key; every answer's status and latency is kept."""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

import httpx

from bench.registry.setup import World


@dataclass
class Op:
    kind: str  # transfer | retirement
    sender: int
    receiver: int
    quantity: int


@dataclass
class Outcome:
    wall_s: float = 0.0
    latencies_ms: dict[str, list[float]] = field(default_factory=dict)
    statuses: Counter[str] = field(default_factory=Counter)
    samples: list[str] = field(default_factory=list)


def plan(world: World, transfers: int, retirements: int, seed: int) -> list[Op]:
    rng = random.Random(seed)
    n = len(world.members)
    ops = [
        Op("transfer", s, (s + rng.randint(1, n - 1)) % n, rng.randint(1, 5))
        for s in (rng.randrange(n) for _ in range(transfers))
    ]
    ops += [Op("retirement", rng.randrange(n), -1, rng.randint(1, 5)) for _ in range(retirements)]
    rng.shuffle(ops)
    return ops


def _request(world: World, op: Op) -> tuple[str, dict]:
    sender = world.members[op.sender]
    if op.kind == "transfer":
        body = {
            "from_account": sender.account_id,
            "to_account": world.members[op.receiver].account_id,
            "quantity": op.quantity,
        }
        return "/v1/registry/transfers", body
    body = {
        "account": sender.account_id,
        "quantity": op.quantity,
        "beneficiary": "Nanjing Marathon",
        "purpose": "event",
        "details": "bench",
    }
    return "/v1/registry/retirements", body


async def run_all(base: str, world: World, ops: list[Op], clients: int) -> Outcome:
    out = Outcome(latencies_ms={"transfer": [], "retirement": []})
    queue: asyncio.Queue[Op] = asyncio.Queue()
    for op in ops:
        queue.put_nowait(op)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def client(c: httpx.AsyncClient) -> None:
        while not queue.empty():
            op = queue.get_nowait()
            path, body = _request(world, op)
            headers = {
                "Authorization": f"Bearer {world.members[op.sender].token}",
                "Idempotency-Key": uuid.uuid4().hex,
            }
            t0 = time.perf_counter()
            r = await c.post(path, json=body, headers=headers)
            out.latencies_ms[op.kind].append((time.perf_counter() - t0) * 1000)
            out.statuses[f"{op.kind} {r.status_code}"] += 1
            if r.status_code != 201 and len(out.samples) < 10:
                out.samples.append(f"{op.kind} {r.status_code} {r.text[:300]}")

    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as c:
        t0 = time.perf_counter()
        await asyncio.gather(*(client(c) for _ in range(clients)))
        out.wall_s = time.perf_counter() - t0
    return out
