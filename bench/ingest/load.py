"""The timed ingest: signed journey batches from concurrent clients, retried on 503, with the
latency and send time of every batch and the statuses the service answered."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass

import httpx

from bench.ingest.config import MAX_RETRIES, Config
from bench.ingest.plan import Plan
from bench.ingest.report import log
from bench.ingest.setup import Setup
from bench.ingest.signing import signed_headers


@dataclass
class IngestResult:
    wall_s: float
    latencies_ms: list[float]
    sent_at: dict[int, float]  # batch index -> perf_counter just before the request went out
    summary: Counter[str]
    http_errors: list[str]
    retries: list[str]
    records_in_responses: int


async def ingest(base: str, cfg: Config, setup: Setup, plan: Plan) -> IngestResult:
    path = f"/v1/operators/{setup.operator_id}/trips"
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(len(plan.batches)):
        queue.put_nowait(i)
    latencies: list[float] = []
    sent_at: dict[int, float] = {}
    summary: Counter[str] = Counter()
    errors: list[str] = []
    retries: list[str] = []
    records = 0
    total = len(plan.batches)
    step = max(total // 10, 1)
    t_start = time.perf_counter()

    async def client_loop() -> None:
        nonlocal records
        async with httpx.AsyncClient(
            base_url=base,
            timeout=httpx.Timeout(300.0, connect=10.0),
            limits=httpx.Limits(max_connections=1),
        ) as client:
            while True:
                try:
                    i = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                body, sha, _ = plan.batches[i]
                t0 = time.perf_counter()
                sent_at[i] = t0
                r = None
                for attempt in range(1 + MAX_RETRIES):
                    # A fresh nonce and timestamp per attempt; 503 transient_conflict is the
                    # service's "nothing was written, retry" (API errors: Retry-After).
                    headers = signed_headers(setup.key_id, setup.secret, path, sha)
                    try:
                        r = await client.post(path, content=body, headers=headers)
                    except httpx.HTTPError as exc:
                        errors.append(f"batch {i}: {exc!r}")
                        r = None
                        break
                    if r.status_code != 503 or attempt == MAX_RETRIES:
                        break
                    retries.append(f"batch {i}: {r.text[:200]}")
                    await asyncio.sleep(float(r.headers.get("retry-after", "1")))
                if r is None:
                    continue
                latencies.append((time.perf_counter() - t0) * 1000)
                if r.status_code != 200:
                    errors.append(f"batch {i}: HTTP {r.status_code} {r.text[:600]}")
                else:
                    out = r.json()
                    summary.update(out["summary"])
                    records += len(out["results"])
                if len(latencies) % step == 0:
                    el = time.perf_counter() - t_start
                    log(
                        f"  ingest: {len(latencies)}/{total} batches, {el:.1f} s, "
                        f"{summary['credited'] / el:.0f} credited/s"
                    )

    await asyncio.gather(*(client_loop() for _ in range(cfg.clients)))
    return IngestResult(
        wall_s=time.perf_counter() - t_start,
        latencies_ms=latencies,
        sent_at=sent_at,
        summary=summary,
        http_errors=errors,
        retries=retries,
        records_in_responses=records,
    )
