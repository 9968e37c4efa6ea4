"""One run on PostgreSQL: a fresh database, migrations, the market arranged, the fake WeChat Pay
started here, `puhui serve` configured live against it, the buyers signed in, the timed orders,
the settlement checked in the database, `puhui verify`, then the machine's limits measured right
after (../shared/limits/run.sh) so the figures can be read as ratios. The server and the fake are
stopped, the key files removed and the database dropped even on failure."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from bench.ingest.config import OUT
from bench.ingest.database import PgActivity, PostgresBackend
from bench.ingest.report import log, scan_log
from bench.ingest.server import CpuMeter, RssMonitor, Server, free_port, puhui, service_env
from bench.ingest.stats import dist_summary
from bench.market.check import settlement
from bench.market.load import plan, run_all
from bench.market.setup import arrange
from bench.market.wechatpay import key_dir, live_env, start_fake
from bench.registry.run import machine_limits
from bench.registry.setup import sign_in

TARGET_ORDERS_PER_S = 300
TARGET_CALLBACK_P99_MS = 100


def run(
    orders: int,
    sellers: int,
    units: int,
    buyers: int,
    clients: int,
    workers: int,
    redis_url: str | None,
    seed: int,
    limits: bool,
) -> dict[str, Any]:
    backend = PostgresBackend()
    env = service_env(backend.url, free_port(), workers, redis_url if workers > 1 else None)
    env.update({"PUHUI_JOBS": "false", "PUHUI_ACCESS_TOKEN_MINUTES": "120"})
    log_path = OUT / "server-market-pg.log"
    log_path.unlink(missing_ok=True)
    keys = key_dir()
    fake = start_fake()
    env.update(live_env(fake, Path(keys.name)))
    # the notify_url orders carry; the fake does not call it here, the clients do
    env["PUHUI_PUBLIC_BASE_URL"] = f"http://127.0.0.1:{env['PUHUI_PORT']}"
    server = Server(env, log_path)
    monitor: RssMonitor | None = None
    result: dict[str, Any] = {"backend": "pg", "workers": workers, "clients": clients}
    try:
        backend.create()
        puhui(env, "migrate")
        t0 = time.perf_counter()
        market = asyncio.run(arrange(backend.url, sellers, units, buyers))
        took = time.perf_counter() - t0
        log(f"setup: {sellers} listings of {units:,} t, {buyers} buyers in {took:.1f} s")
        ops = plan(market, orders, seed)
        server.start()
        monitor = RssMonitor(server.proc.pid)  # type: ignore[union-attr]
        monitor.start()
        asyncio.run(sign_in(server.base, market.buyers))
        activity = PgActivity(backend.url, backend.db)
        activity.start()
        with CpuMeter(server.proc.pid, with_pg=True) as cpu:  # type: ignore[union-attr]
            out = asyncio.run(run_all(server.base, market, fake, ops, clients))
        waits = activity.stop()
        log(f"{len(ops):,} orders in {out.wall_s:.2f} s: {dict(out.statuses)}")
        settled = asyncio.run(settlement(backend.url, out.ordered))
        try:
            verify = {"ok": True, "output": puhui(env, "verify").strip().splitlines()}
        except RuntimeError as exc:
            verify = {"ok": False, "output": str(exc)[-2000:]}
        monitor.stop()
        result.update(
            {
                "config": {
                    "orders": orders,
                    "sellers": sellers,
                    "units_each": units,
                    "buyers": buyers,
                    "seed": seed,
                },
                "orders": len(ops),
                "placed_201": out.statuses["order 201"],
                "callbacks_204": out.statuses["callback 204"],
                "statuses": dict(out.statuses),
                "wall_s": round(out.wall_s, 3),
                "orders_per_s": round(len(out.settled) / out.wall_s, 1),
                "latency_ms": {k: dist_summary(v) for k, v in out.latencies_ms.items()},
                "settlement": settled,
                "error_samples": out.samples,
                "cpu_s": cpu.used,
                "cpu_ms_per_order": {
                    k: round(v * 1000 / max(len(out.settled), 1), 2)
                    for k, v in cpu.used.items()
                    if k != "wall"
                },
                "pg_activity": waits[:8],
                "peak_rss_mib": round(monitor.peak_kib / 1024, 1),
                "server_processes": monitor.processes,
                "server_log": {"path": str(log_path), **scan_log(log_path)},
                "fake_requests": _fake_requests(fake),
                "verify": verify,
            }
        )
    finally:
        if monitor is not None and monitor.is_alive():
            monitor.stop()
        server.stop()
        fake.stop()
        keys.cleanup()
        backend.drop()
    if limits:
        log("measuring the machine's limits (../shared/limits/run.sh) ...")
        result["limits"] = machine_limits()
    return result


def _fake_requests(fake: Any) -> dict[str, int]:
    """What the server asked the fake, by path kind and status (prepares, queries)."""
    seen: dict[str, int] = {}
    for method, target, status in list(fake.requests):
        kind = "query" if method == "GET" else target.rsplit("/", 1)[-1]
        key = f"{method} {kind} {status}"
        seen[key] = seen.get(key, 0) + 1
    return seen
