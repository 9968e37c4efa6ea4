"""One backend end to end: database, migrations, service, setup, plan, listeners, the timed ingest,
then the figures of the run (the server stopped and the database dropped even on failure)."""

from __future__ import annotations

import asyncio
import random
import re
import secrets
import time
from collections import Counter
from typing import Any

from bench.ingest.config import OUT, ROOT, STATUSES, Config
from bench.ingest.database import (
    Backend,
    PgActivity,
    PostgresBackend,
    SqliteBackend,
    db_counts,
    table_scan_diff,
)
from bench.ingest.events import EventListeners
from bench.ingest.load import ingest
from bench.ingest.plan import make_plan
from bench.ingest.report import log, scan_log
from bench.ingest.server import CpuMeter, RssMonitor, Server, free_port, puhui, service_env
from bench.ingest.setup import Setup, backdate_consent, import_network, link_citizens, sign_in
from bench.ingest.stats import dist_summary


def run_backend(cfg: Config, name: str) -> dict[str, Any]:
    backend: Backend = PostgresBackend() if name == "pg" else SqliteBackend()
    workers = cfg.workers or (2 if name == "pg" else 1)
    run = secrets.token_hex(3)
    port = free_port()
    redis_url = cfg.redis_url if (workers > 1 or cfg.redis_always) else None
    env = service_env(backend.url, port, workers, redis_url)
    log_path = OUT / f"server-{name}.log"
    print(
        f"\n=== {name}: {cfg.citizens:,} citizens, {cfg.trips:,} trips, batch {cfg.batch}, "
        f"{cfg.clients} clients, {workers} worker(s), sample {cfg.sample}"
        f"{', redis ' + redis_url if redis_url else ''} ===",
        flush=True,
    )
    result: dict[str, Any] = {"backend": name, "workers": workers}
    log_path.unlink(missing_ok=True)  # a stale log must not be blamed on this run
    server = Server(env, log_path)
    monitor: RssMonitor | None = None
    listeners: EventListeners | None = None
    try:
        backend.create()
        t0 = time.perf_counter()
        puhui(env, "migrate")
        t_migrate = time.perf_counter() - t0
        out = puhui(env, "create-operator", "--name", "bench-metro", "--kind", "metro")
        m = re.search(r"id=(\S+)\s+key id: (\S+)\s+secret: (\S+)", out)
        if not m:
            raise RuntimeError(f"cannot read the operator from: {out!r}")
        setup = Setup(operator_id=m.group(1), key_id=m.group(2), secret=m.group(3))
        admin_pw = secrets.token_urlsafe(16)
        puhui(
            env,
            "create-staff",
            "--username",
            "benchadmin",
            "--role",
            "admin",
            f"--password={admin_pw}",  # a random password may start with "-"
        )

        server.start()
        monitor = RssMonitor(server.proc.pid)  # type: ignore[union-attr]
        monitor.start()
        log(f"server up on {server.base} (pid {server.proc.pid}); migrate took {t_migrate:.1f} s")  # type: ignore[union-attr]

        t0 = time.perf_counter()
        net = asyncio.run(import_network(server.base, setup, "benchadmin", admin_pw))
        t_net = time.perf_counter() - t0
        t0 = time.perf_counter()
        with CpuMeter(server.proc.pid, name == "pg") as setup_cpu:  # type: ignore[union-attr]
            asyncio.run(link_citizens(server.base, cfg, setup, run))
        t_link = time.perf_counter() - t0
        t0 = time.perf_counter()
        asyncio.run(backdate_consent(backend.url, cfg.citizens))
        t_backdate = time.perf_counter() - t0
        setup_s = t_net + t_link + t_backdate
        log(
            f"setup: network import {t_net:.2f} s ({net['stops']} stops, {net['lines']} lines); "
            f"{cfg.citizens:,} citizens linked in {t_link:.1f} s "
            f"({cfg.citizens / t_link:.0f} citizens/s, {4 * cfg.citizens / t_link:.0f} req/s); "
            f"consent backdated in {t_backdate:.2f} s; total {setup_s:.1f} s"
        )

        rng = random.Random(cfg.seed + 1)
        sample_idx = sorted(rng.sample(range(cfg.citizens), cfg.sample))
        plan = make_plan(cfg, run, sample_idx, setup.citizen_ids)
        log(
            f"plan: {plan.trips:,} trips in {len(plan.batches)} batches "
            f"(sampled trips in batches {plan.sample_batches[:1]}..{plan.sample_batches[-1:]}), "
            f"at most {plan.max_per_day} per citizen and day; generated and encoded in "
            f"{plan.encode_s:.1f} s"
        )

        tokens: dict[str, str] = {}
        if sample_idx:
            tokens = asyncio.run(sign_in(server.base, run, sample_idx, setup.citizen_ids))
            listeners = EventListeners(server.base, tokens)
            listeners.start()
            listeners.ready.wait(timeout=90)
            log(
                f"event streams: {len(listeners.ready_once)}/{len(tokens)} ready"
                + (f"; errors: {listeners.errors[:3]}" if listeners.errors else "")
            )

        activity, scans_before = None, {}
        if isinstance(backend, PostgresBackend):
            activity = PgActivity(backend.url, backend.db)
            scans_before = asyncio.run(activity.table_scans())
            activity.start()
        with CpuMeter(server.proc.pid, name == "pg") as ingest_cpu:  # type: ignore[union-attr]
            res = asyncio.run(ingest(server.base, cfg, setup, plan))
        pg_activity = activity.stop() if activity else []
        pg_scans = []
        if activity is not None:
            time.sleep(1)  # table statistics reach pg_stat_user_tables with a small delay
            pg_scans = table_scan_diff(scans_before, asyncio.run(activity.table_scans()))

        feed_ms: list[float] = []
        missing: list[str] = []
        if listeners is not None:
            sampled = set(tokens)
            listeners.wait_for(sampled, timeout=15)
            batch_of = {c: i for i, (_, _, who) in enumerate(plan.batches) for c in who}
            for c in sampled:
                if c in listeners.arrivals and batch_of[c] in res.sent_at:
                    feed_ms.append((listeners.arrivals[c] - res.sent_at[batch_of[c]]) * 1000)
                else:
                    missing.append(c)
            listeners.stop()

        counts = asyncio.run(db_counts(backend.url))
        hwm_kib = sum(monitor.hwm_kib.values())
        monitor.stop()
        credited = res.summary["credited"]
        result.update(
            {
                "config": {
                    "citizens": cfg.citizens,
                    "trips": cfg.trips,
                    "batch": cfg.batch,
                    "clients": cfg.clients,
                    "sample": cfg.sample,
                    "redis": redis_url or False,
                    "seed": cfg.seed,
                },
                "setup_s": round(setup_s, 2),
                "setup": {
                    "migrate_s": round(t_migrate, 2),
                    "network_import_s": round(t_net, 2),
                    "link_citizens_s": round(t_link, 2),
                    "backdate_s": round(t_backdate, 2),
                    "citizens_per_s": round(cfg.citizens / t_link, 1),
                    "request_latency_ms": setup.step_ms,
                    "cpu_s": setup_cpu.used,
                },
                "trips_sent": plan.trips,
                "batches": len(plan.batches),
                "records_in_responses": res.records_in_responses,
                "summary": {s: res.summary.get(s, 0) for s in STATUSES},
                "http_errors": len(res.http_errors),
                "http_error_samples": res.http_errors[:5],
                "retries_503": len(res.retries),
                "retry_samples": res.retries[:3],
                "wall_s": round(res.wall_s, 2),
                "credited_per_s": round(credited / res.wall_s, 1),
                "records_per_s": round(res.records_in_responses / res.wall_s, 1),
                "batch_latency_ms": dist_summary(res.latencies_ms),
                "ingest_cpu_s": ingest_cpu.used,
                "pg_activity_during_ingest": pg_activity,
                "pg_table_scans_during_ingest": pg_scans,
                "feed_to_event_ms": dist_summary(feed_ms),
                "events_received": len(feed_ms),
                "events_missing": len(missing),
                "event_streams": {
                    "drops": len(listeners.drops) if listeners else 0,
                    "drop_reasons": dict(Counter(w for _, _, w in listeners.drops))
                    if listeners
                    else {},
                    "events": dict(listeners.events) if listeners else {},
                    "errors": listeners.errors[:5] if listeners else [],
                },
                "peak_rss_mib": round(monitor.peak_kib / 1024, 1),
                "sum_vmhwm_mib": round(hwm_kib / 1024, 1),
                "server_processes": monitor.processes,
                "database": counts,
            }
        )
    finally:
        if listeners is not None and listeners.is_alive():
            listeners.stop()
        if monitor is not None and monitor.is_alive():
            monitor.stop()
        server.stop()
        backend.drop()
    result["server_log"] = {"path": str(log_path.relative_to(ROOT)), **scan_log(log_path)}
    return result
