"""One run on PostgreSQL: a fresh database, migrations, the world arranged, `puhui serve`, the
timed transfers and retirements, `puhui verify`, then the machine's limits measured right after
(../shared/limits/run.sh) so the figures can be read as ratios. The server is stopped and the
database dropped even on failure."""

from __future__ import annotations

import asyncio
import re
import subprocess
import time
from typing import Any

from bench.ingest.config import OUT, ROOT
from bench.ingest.database import PostgresBackend
from bench.ingest.report import log
from bench.ingest.server import RssMonitor, Server, free_port, puhui, service_env
from bench.ingest.stats import dist_summary
from bench.registry.load import plan, run_all
from bench.registry.setup import arrange, sign_in

LIMITS = ROOT.parent / "shared" / "limits" / "run.sh"
TARGET_OPS_PER_S = 500
TARGET_P99_MS = 100


def machine_limits() -> dict[str, Any]:
    """The bare-stack figures of this machine now (None when the script cannot run here)."""
    if not LIMITS.exists():
        return {"available": False, "reason": f"{LIMITS} not found"}
    proc = subprocess.run(
        ["bash", str(LIMITS)], capture_output=True, text=True, timeout=1800, check=False
    )
    text = proc.stdout
    read = re.search(r"primary-key read \(1 worker\): ([\d.]+) req/s", text)
    bare = re.search(r"bare Litestar .*?: ([\d.]+) req/s", text)
    return {
        "available": proc.returncode == 0 and read is not None,
        "output": text.strip().splitlines() or proc.stderr.strip().splitlines()[-5:],
        "pk_read_req_per_s": float(read.group(1)) if read else None,
        "bare_litestar_req_per_s": float(bare.group(1)) if bare else None,
    }


def run(
    orgs: int,
    units: int,
    transfers: int,
    retirements: int,
    clients: int,
    workers: int,
    redis_url: str | None,
    seed: int,
    limits: bool,
) -> dict[str, Any]:
    backend = PostgresBackend()
    env = service_env(backend.url, free_port(), workers, redis_url if workers > 1 else None)
    env.update({"PUHUI_JOBS": "false", "PUHUI_ACCESS_TOKEN_MINUTES": "120"})
    log_path = OUT / "server-registry-pg.log"
    log_path.unlink(missing_ok=True)
    server = Server(env, log_path)
    monitor: RssMonitor | None = None
    result: dict[str, Any] = {"backend": "pg", "workers": workers, "clients": clients}
    try:
        backend.create()
        puhui(env, "migrate")
        t0 = time.perf_counter()
        world = asyncio.run(arrange(backend.url, orgs, units))
        took = time.perf_counter() - t0
        log(f"setup: {orgs} organisations with {units:,} t each in {took:.1f} s")
        server.start()
        monitor = RssMonitor(server.proc.pid)  # type: ignore[union-attr]
        monitor.start()
        asyncio.run(sign_in(server.base, world))
        ops = plan(world, transfers, retirements, seed)
        out = asyncio.run(run_all(server.base, world, ops, clients))
        ok = sum(n for k, n in out.statuses.items() if k.endswith(" 201"))
        every = out.latencies_ms["transfer"] + out.latencies_ms["retirement"]
        log(f"{len(ops):,} operations in {out.wall_s:.2f} s: {dict(out.statuses)}")
        try:
            verify = {"ok": True, "output": puhui(env, "verify").strip().splitlines()}
        except RuntimeError as exc:
            verify = {"ok": False, "output": str(exc)[-2000:]}
        result.update(
            {
                "config": {
                    "orgs": orgs,
                    "units_each": units,
                    "transfers": transfers,
                    "retirements": retirements,
                    "seed": seed,
                },
                "operations": len(ops),
                "succeeded_201": ok,
                "statuses": dict(out.statuses),
                "wall_s": round(out.wall_s, 3),
                "ops_per_s": round(len(ops) / out.wall_s, 1),
                "latency_ms": dist_summary(every),
                "latency_by_kind_ms": {k: dist_summary(v) for k, v in out.latencies_ms.items()},
                "error_samples": out.samples,
                "peak_rss_mib": round(monitor.peak_kib / 1024, 1),
                "server_processes": monitor.processes,
                "verify": verify,
            }
        )
        monitor.stop()
    finally:
        if monitor is not None and monitor.is_alive():
            monitor.stop()
        server.stop()
        backend.drop()
    if limits:
        log("measuring the machine's limits (../shared/limits/run.sh) ...")
        result["limits"] = machine_limits()
    return result
