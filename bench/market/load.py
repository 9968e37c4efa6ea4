"""The timed phase: orders placed, paid and settled from concurrent clients over HTTP.

Each order, one client after the other step: POST /v1/org/orders (its own Idempotency-Key, 1-3 t
of a random listing, as a random buyer's member); the payer pays it at the fake WeChat Pay (in
this process, in a thread: the fake's lock and its RSA signature); then the client POSTs the
signed, encrypted notice to /v1/payments/wechatpay/notify itself, so the callback's latency is
measured here. Every answer's status and each step's latency are kept."""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

import httpx

from bench.market.setup import Market
from integrations.payments.wechatpay.fake import FakeWeChatPay

NOTIFY = "/v1/payments/wechatpay/notify"


@dataclass
class Op:
    buyer: int
    listing: int
    quantity: int


@dataclass
class Outcome:
    wall_s: float = 0.0
    latencies_ms: dict[str, list[float]] = field(default_factory=dict)
    statuses: Counter[str] = field(default_factory=Counter)
    samples: list[str] = field(default_factory=list)
    ordered: dict[str, int] = field(default_factory=dict)  # order id -> quantity (201s)
    settled: list[str] = field(default_factory=list)  # order ids whose callback answered 204


def plan(market: Market, orders: int, seed: int) -> list[Op]:
    """The orders; refuses a plan that would ask a listing for more than it holds."""
    rng = random.Random(seed)
    ops = [
        Op(rng.randrange(len(market.buyers.members)), rng.randrange(len(market.listings)), q)
        for q in (rng.randint(1, 3) for _ in range(orders))
    ]
    demand: Counter[int] = Counter()
    for op in ops:
        demand[op.listing] += op.quantity
    short = [i for i, t in demand.items() if t > market.listings[i].quantity]
    if short:
        most = max(demand.values())
        raise ValueError(f"a listing would be asked for {most} t: raise --units to at least that")
    return ops


def _paid(fake: FakeWeChatPay, order_id: str) -> tuple[bytes, dict[str, str]]:
    """The payer pays; the notice's body and WeChat Pay's signed headers for it."""
    sent = fake.pay(order_id, notify=False)
    headers = fake.sign_headers(sent.body)
    headers["Content-Type"] = "application/json"
    return sent.body, headers


async def run_all(
    base: str, market: Market, fake: FakeWeChatPay, ops: list[Op], clients: int
) -> Outcome:
    kinds = ("order", "pay", "callback", "end_to_end")
    out = Outcome(latencies_ms={k: [] for k in kinds})
    queue: asyncio.Queue[Op] = asyncio.Queue()
    for op in ops:
        queue.put_nowait(op)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    def failed(what: str, r: httpx.Response) -> None:
        out.statuses[f"{what} {r.status_code}"] += 1
        if len(out.samples) < 10:
            out.samples.append(f"{what} {r.status_code} {r.text[:300]}")

    async def one(c: httpx.AsyncClient, op: Op) -> None:
        listed = market.listings[op.listing]
        headers = {
            "Authorization": f"Bearer {market.buyers.members[op.buyer].token}",
            "Idempotency-Key": uuid.uuid4().hex,
        }
        body = {"listing_id": listed.listing_id, "quantity": op.quantity, "channel": "native"}
        t0 = time.perf_counter()
        r = await c.post("/v1/org/orders", json=body, headers=headers)
        t1 = time.perf_counter()
        out.latencies_ms["order"].append((t1 - t0) * 1000)
        if r.status_code != 201:
            failed("order", r)
            return
        out.statuses["order 201"] += 1
        order_id = r.json()["order_id"]
        out.ordered[order_id] = op.quantity
        notice, signed = await asyncio.to_thread(_paid, fake, order_id)
        t2 = time.perf_counter()
        r = await c.post(NOTIFY, content=notice, headers=signed)
        t3 = time.perf_counter()
        out.latencies_ms["pay"].append((t2 - t1) * 1000)
        out.latencies_ms["callback"].append((t3 - t2) * 1000)
        if r.status_code != 204:
            failed("callback", r)
            return
        out.statuses["callback 204"] += 1
        out.settled.append(order_id)
        out.latencies_ms["end_to_end"].append((t3 - t0) * 1000)

    async def client(c: httpx.AsyncClient) -> None:
        while not queue.empty():
            op = queue.get_nowait()
            try:
                await one(c, op)
            except httpx.HTTPError as exc:
                out.statuses[f"error {type(exc).__name__}"] += 1
                if len(out.samples) < 10:
                    out.samples.append(f"{type(exc).__name__}: {exc}")

    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as c:
        t0 = time.perf_counter()
        await asyncio.gather(*(client(c) for _ in range(clients)))
        out.wall_s = time.perf_counter() - t0
    return out
