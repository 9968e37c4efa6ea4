"""The timed phases: purchases (POST /v1/me/vouchers) and scans (POST /v1/merchant/redemptions)
from C concurrent clients sharing one connection pool, then the nonce retry check."""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import httpx

from bench.ingest.report import log
from bench.redeem.config import MAX_RETRIES, PER_CITIZEN
from bench.redeem.plan import Outcome, Scan, Voucher
from bench.redeem.setup import bearer

JSON = {"Content-Type": "application/json"}


async def pool(
    base: str,
    clients: int,
    n: int,
    one: Callable[[httpx.AsyncClient, int], Awaitable[None]],
    label: str,
) -> float:
    """Run one(client, i) for i in 0..n-1 from `clients` concurrent clients, each with its own
    keep-alive connection (a counter's device); the wall time, from the first request on.

    The connections are opened one by one before the clock starts (GET /health, 10 ms apart):
    a burst of simultaneous connects tends to be accepted by a single server worker (asyncio
    accepts every pending connection on one wake-up), leaving the other workers idle."""
    it = iter(range(n))
    done = 0
    step = max(n // 10, 1)
    timeout = httpx.Timeout(120.0, connect=10.0)
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with contextlib.AsyncExitStack() as stack:
        conns = []
        for _ in range(min(clients, n)):
            c = httpx.AsyncClient(base_url=base, timeout=timeout, limits=limits)
            conns.append(await stack.enter_async_context(c))
            (await c.get("/health")).raise_for_status()
            await asyncio.sleep(0.01)
        t_start = time.perf_counter()

        async def worker(client: httpx.AsyncClient) -> None:
            nonlocal done
            for i in it:
                await one(client, i)
                done += 1
                if done % step == 0 and label:
                    el = time.perf_counter() - t_start
                    log(f"  {label}: {done:,}/{n:,} in {el:.1f} s ({done / el:,.0f}/s)")

        await asyncio.gather(*(worker(c) for c in conns))
        return time.perf_counter() - t_start


async def post(
    client: httpx.AsyncClient, path: str, body: bytes, headers: dict[str, str]
) -> tuple[httpx.Response | None, int, str | None]:
    """POST, retried as is (same nonce / Idempotency-Key) on 503; (response, retries, error)."""
    retries = 0
    while True:
        try:
            r = await client.post(path, content=body, headers=headers)
        except httpx.HTTPError as exc:
            return None, retries, repr(exc)
        if r.status_code != 503 or retries == MAX_RETRIES:
            return r, retries, None
        retries += 1
        await asyncio.sleep(float(r.headers.get("retry-after", "1")))


def problem_code(r: httpx.Response) -> str | None:
    try:
        body = r.json()
    except ValueError:
        return None
    return body.get("code") if isinstance(body, dict) else None


@dataclass
class Purchases:
    wall_s: float = 0.0
    vouchers: list[Voucher] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    codes: dict[str, int] = field(default_factory=dict)  # problem codes of refusals
    latencies_ms: list[float] = field(default_factory=list)
    not_issued: int = 0  # 201 answers whose status is not "issued"
    retries: int = 0
    errors: list[str] = field(default_factory=list)


async def purchase_all(
    base: str, clients: int, offer_id: str, citizens: list[tuple[str, str]]
) -> Purchases:
    """Each citizen buys PER_CITIZEN vouchers; round by round, so that the requests in flight
    together are mostly of different citizens."""
    jobs = [token for _ in range(PER_CITIZEN) for _, token in citizens]
    body = json.dumps({"offer_id": offer_id}).encode()
    res = Purchases()
    statuses: dict[int, int] = {}
    codes: dict[str, int] = {}

    async def one(client: httpx.AsyncClient, i: int) -> None:
        headers = {**bearer(jobs[i]), **JSON, "Idempotency-Key": str(uuid.uuid4())}
        t0 = time.perf_counter()
        r, retries, err = await post(client, "/v1/me/vouchers", body, headers)
        res.retries += retries
        if r is None:
            statuses[0] = statuses.get(0, 0) + 1
            res.errors.append(f"purchase {i}: {err}")
            return
        res.latencies_ms.append((time.perf_counter() - t0) * 1000)
        statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
        if r.status_code == 201:
            v = r.json()
            res.vouchers.append(Voucher(v["voucher_id"], v["token"], v["code"]))
            if v.get("status") != "issued":
                res.not_issued += 1
        else:
            code = problem_code(r) or "?"
            codes[code] = codes.get(code, 0) + 1
            if len(res.errors) < 20:
                res.errors.append(f"purchase {i}: HTTP {r.status_code} {r.text[:400]}")

    res.wall_s = await pool(base, clients, len(jobs), one, "purchases")
    res.statuses, res.codes = statuses, codes
    return res


@dataclass
class Redemptions:
    wall_s: float
    outcomes: list[Outcome]
    samples: list[str]  # unexpected answers, first ones


async def redeem_all(base: str, clients: int, cashier: str, scans: list[Scan]) -> Redemptions:
    outcomes: list[Outcome] = [Outcome(status=-1)] * len(scans)
    samples: list[str] = []
    headers = {**bearer(cashier), **JSON}

    async def one(client: httpx.AsyncClient, i: int) -> None:
        s = scans[i]
        t0 = time.perf_counter()
        r, retries, err = await post(client, "/v1/merchant/redemptions", s.body, headers)
        t1 = time.perf_counter()
        if r is None:
            outcomes[i] = Outcome(0, "transport_error", t0=t0, t1=t1, retries=retries)
            if len(samples) < 10:
                samples.append(f"scan {i} {s.body.decode()}: {err}")
            return
        o = Outcome(r.status_code, t0=t0, t1=t1, retries=retries)
        if r.status_code == 200:
            try:
                body = r.json()
                o.voucher_id, o.redeemed_at = body.get("voucher_id"), body.get("redeemed_at")
            except (ValueError, AttributeError):  # counted as naming the wrong voucher
                if len(samples) < 10:
                    samples.append(f"scan {i}: HTTP 200 not a JSON object: {r.text[:400]}")
        else:
            o.code = problem_code(r)
            if (r.status_code != 409 or o.code != "already_redeemed") and len(samples) < 10:
                samples.append(f"scan {i} {s.body.decode()}: HTTP {r.status_code} {r.text[:400]}")
        outcomes[i] = o

    wall = await pool(base, clients, len(scans), one, "scans")
    return Redemptions(wall, outcomes, samples)


@dataclass
class RetryCheck:
    sent: int = 0
    ok_200: int = 0  # answered 200 again
    same_answer: int = 0  # ... with the same voucher_id and redeemed_at as the first time
    statuses: dict[int, int] = field(default_factory=dict)
    samples: list[str] = field(default_factory=list)


async def retry_check(
    base: str,
    clients: int,
    cashier: str,
    scans: list[Scan],
    outcomes: list[Outcome],
    n: int,
    seed: int,
) -> RetryCheck:
    """Re-send n of the successful scans with their original nonce: a device retrying after a
    lost answer must get the first answer (200) again, not 409."""
    won = [i for i, o in enumerate(outcomes) if o.status == 200]
    picked = random.Random(seed).sample(won, min(n, len(won)))
    res = RetryCheck(sent=len(picked))
    headers = {**bearer(cashier), **JSON}

    async def one(client: httpx.AsyncClient, k: int) -> None:
        i = picked[k]
        r, _, err = await post(client, "/v1/merchant/redemptions", scans[i].body, headers)
        status = r.status_code if r is not None else 0
        res.statuses[status] = res.statuses.get(status, 0) + 1
        if r is not None and r.status_code == 200:
            res.ok_200 += 1
            body = r.json()
            first = outcomes[i]
            if (body.get("voucher_id"), body.get("redeemed_at")) == (
                first.voucher_id,
                first.redeemed_at,
            ):
                res.same_answer += 1
        elif len(res.samples) < 5:
            detail = err if r is None else f"HTTP {r.status_code} {r.text[:400]}"
            res.samples.append(f"retry of scan {i} {scans[i].body.decode()}: {detail}")

    await pool(base, clients, len(picked), one, "")
    return res
