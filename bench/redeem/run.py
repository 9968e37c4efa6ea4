"""One backend end to end: database, migrations, service, setup, the timed purchases and scans,
the retry check, then the figures (the server stopped and the database dropped even on failure)."""

from __future__ import annotations

import asyncio
import os
import secrets
import time
from typing import Any

from bench.ingest.config import OUT, ROOT
from bench.ingest.database import (
    Backend,
    PgActivity,
    PostgresBackend,
    SqliteBackend,
    table_scan_diff,
)
from bench.ingest.report import log, scan_log
from bench.ingest.server import (
    CpuMeter,
    RssMonitor,
    Server,
    _cpu_s,
    _proc_tree,
    free_port,
    puhui,
    service_env,
)
from bench.ingest.stats import dist_summary
from bench.redeem.config import ACCESS_TOKEN_MINUTES, Config
from bench.redeem.load import purchase_all, redeem_all, retry_check
from bench.redeem.plan import make_scans, near_in_plan, overlapping, tally
from bench.redeem.setup import Setup, fund_citizens, merchant_and_offer


async def db_counts(url: str) -> dict[str, Any]:
    """What the database holds after the run: vouchers by status, nonces, conflicts, postings."""
    import sqlalchemy as sa
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:

            async def grouped(sql: str) -> dict[str, int]:
                return {str(k): int(v) for k, v in (await conn.execute(sa.text(sql))).all()}

            async def count(table: str) -> int:
                return int(
                    (await conn.execute(sa.text(f"SELECT count(*) FROM {table}"))).scalar() or 0
                )

            return {
                "vouchers_by_status": await grouped(
                    "SELECT status, count(*) FROM vouchers GROUP BY status"
                ),
                "redeemed_with_nonce": await count("vouchers WHERE redemption_nonce IS NOT NULL"),
                "redemption_conflicts": await count("redemption_conflicts"),
                "postings_by_kind": await grouped(
                    "SELECT kind, count(*) FROM ledger_postings GROUP BY kind"
                ),
            }
    finally:
        await engine.dispose()


def machine_busy_s() -> float:
    """CPU seconds the whole machine has spent busy (all cores), from /proc/stat."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    busy = sum(fields[:8]) - idle  # guest time is already counted in user
    return busy / os.sysconf("SC_CLK_TCK")


class PhaseCpu(CpuMeter):
    """CpuMeter plus the whole machine's busy CPU seconds and what is left of them for other
    processes (Redis, and anything else running on the machine at the time)."""

    def _now(self) -> dict[str, float]:
        return {**super()._now(), "machine": machine_busy_s()}

    def __exit__(self, *exc: object) -> None:
        super().__exit__(*exc)
        tracked = sum(v for k, v in self.used.items() if k not in ("wall", "machine"))
        self.used["other"] = round(self.used["machine"] - tracked, 1)
        self.used["cores"] = os.cpu_count() or 0


def cpu_by_process(root: int) -> dict[int, float]:
    """CPU seconds so far of each process of the server's tree (supervisor and workers)."""
    return {pid: _cpu_s([pid]) for pid in _proc_tree(root)}


def cpu_split(before: dict[int, float], after: dict[int, float]) -> list[float]:
    """CPU seconds each server process used between two readings, busiest first: shows whether
    the load is spread over the workers."""
    used = [after[pid] - before.get(pid, 0.0) for pid in after]
    return sorted((round(u, 1) for u in used), reverse=True)


def run_backend(cfg: Config) -> dict[str, Any]:
    name = cfg.backend
    backend: Backend = PostgresBackend() if name == "pg" else SqliteBackend()
    workers = cfg.workers or (2 if name == "pg" else 1)
    run = secrets.token_hex(3)
    redis_url = cfg.redis_url if (workers > 1 or cfg.redis_always) else None
    env = service_env(backend.url, free_port(), workers, redis_url)
    env.update({"PUHUI_JOBS": "false", "PUHUI_ACCESS_TOKEN_MINUTES": str(ACCESS_TOKEN_MINUTES)})
    log_path = OUT / f"server-redeem-{name}.log"
    print(
        f"\n=== redeem {name}: {cfg.vouchers:,} vouchers, {cfg.citizens:,} citizens, "
        f"{cfg.scans:,} scans, {cfg.clients} clients, {workers} worker(s)"
        f"{', redis ' + redis_url if redis_url else ''} ===",
        flush=True,
    )
    result: dict[str, Any] = {"backend": name, "workers": workers}
    log_path.unlink(missing_ok=True)  # a stale log must not be blamed on this run
    server = Server(env, log_path)
    monitor: RssMonitor | None = None
    activity: PgActivity | None = None
    try:
        backend.create()
        t0 = time.perf_counter()
        puhui(env, "migrate")
        t_migrate = time.perf_counter() - t0

        t0 = time.perf_counter()
        admins = tuple((f"bench-admin-{x}-{run}", secrets.token_urlsafe(16)) for x in "ab")
        for username, password in admins:
            # --password=...: a random password may start with "-"
            puhui(
                env,
                "create-staff",
                "--username",
                username,
                "--role",
                "admin",
                f"--password={password}",
            )
        t_staff = time.perf_counter() - t0

        server.start()
        pid = server.proc.pid  # type: ignore[union-attr]
        monitor = RssMonitor(pid)
        monitor.start()
        log(
            f"server up on {server.base} (pid {pid}); migrate {t_migrate:.1f} s, "
            f"staff CLI {t_staff:.1f} s"
        )

        setup = Setup()
        with PhaseCpu(pid, name == "pg") as setup_cpu:
            t0 = time.perf_counter()
            asyncio.run(merchant_and_offer(server.base, cfg, setup, run, admins))
            t_offer = time.perf_counter() - t0
            t0 = time.perf_counter()
            asyncio.run(fund_citizens(server.base, cfg, setup, run))
            t_citizens = time.perf_counter() - t0
        rss_setup = monitor.peak_kib
        setup_s = t_staff + t_offer + t_citizens
        log(
            f"setup: merchant {setup.merchant_id}, store {setup.store_id}, offer "
            f"{setup.offer_id} in {t_offer:.2f} s; {cfg.citizens:,} citizens funded in "
            f"{t_citizens:.1f} s; total {setup_s:.1f} s"
        )

        per_process = cpu_by_process(pid)
        with PhaseCpu(pid, name == "pg") as purchase_cpu:
            bought = asyncio.run(
                purchase_all(server.base, cfg.clients, setup.offer_id, setup.citizens)
            )
        purchase_split = cpu_split(per_process, cpu_by_process(pid))
        rss_purchases = monitor.peak_kib
        created = bought.statuses.get(201, 0)
        log(
            f"purchases: {created:,}/{cfg.vouchers:,} answered 201 in {bought.wall_s:.2f} s "
            f"({bought.statuses})"
        )
        if not bought.vouchers:
            raise RuntimeError(f"no voucher was bought: {bought.errors[:3]}")

        scans = make_scans(bought.vouchers, cfg.scans_per_voucher, cfg.code_fraction, cfg.seed)
        scans_before: dict[str, Any] = {}
        if isinstance(backend, PostgresBackend):
            activity = PgActivity(backend.url, backend.db)
            scans_before = asyncio.run(activity.table_scans())
            activity.start()
        per_process = cpu_by_process(pid)
        with PhaseCpu(pid, name == "pg") as redeem_cpu:
            red = asyncio.run(redeem_all(server.base, cfg.clients, setup.cashier, scans))
        redeem_split = cpu_split(per_process, cpu_by_process(pid))
        rss_redemptions = monitor.peak_kib
        pg_activity = activity.stop() if activity else []
        pg_scans: list[dict[str, Any]] = []
        if activity is not None:
            time.sleep(1)  # table statistics reach pg_stat_user_tables with a small delay
            pg_scans = table_scan_diff(scans_before, asyncio.run(activity.table_scans()))
        t = tally(bought.vouchers, scans, red.outcomes)
        log(f"scans: {len(scans):,} in {red.wall_s:.2f} s; statuses {dict(t.statuses)}")

        rc = asyncio.run(
            retry_check(
                server.base,
                cfg.clients,
                setup.cashier,
                scans,
                red.outcomes,
                cfg.retry_check,
                cfg.seed,
            )
        )
        log(f"retry check: {rc.ok_200}/{rc.sent} answered 200 again")

        counts = asyncio.run(db_counts(backend.url))
        try:
            verify = {"ok": True, "output": puhui(env, "verify")}
        except RuntimeError as exc:
            verify = {"ok": False, "output": str(exc)}
        hwm_kib = sum(monitor.hwm_kib.values())
        monitor.stop()

        def lat(pred: Any) -> dict[str, Any]:
            return dist_summary(
                [
                    (o.t1 - o.t0) * 1000
                    for s, o in zip(scans, red.outcomes, strict=True)
                    if pred(s, o)
                ]
            )

        result.update(
            {
                "config": {
                    "vouchers": cfg.vouchers,
                    "citizens": cfg.citizens,
                    "scans": len(scans),
                    "scans_per_voucher": cfg.scans_per_voucher,
                    "code_fraction": cfg.code_fraction,
                    "clients": cfg.clients,
                    "retry_check": cfg.retry_check,
                    "setup_concurrency": cfg.setup_concurrency,
                    "redis": redis_url or False,
                    "seed": cfg.seed,
                },
                "setup": {
                    "total_s": round(setup_s, 2),
                    "migrate_s": round(t_migrate, 2),
                    "staff_cli_s": round(t_staff, 2),
                    "merchant_offer_s": round(t_offer, 2),
                    "citizens_s": round(t_citizens, 2),
                    "citizens_per_s": round(cfg.citizens / t_citizens, 1),
                    "request_ms": setup.request_ms,
                },
                "purchases": {
                    "created_201": created,
                    "wall_s": round(bought.wall_s, 3),
                    "purchases_per_s": round(created / bought.wall_s, 1),
                    "statuses": {str(k): v for k, v in sorted(bought.statuses.items())},
                    "codes": bought.codes,
                    "not_issued": bought.not_issued,
                    "retries_503": bought.retries,
                    "latency_ms": dist_summary(bought.latencies_ms),
                    "error_samples": bought.errors[:10],
                },
                "redemptions": {
                    "wall_s": round(red.wall_s, 3),
                    "scans_per_s": round(len(scans) / red.wall_s, 1),
                    "redemptions_per_s": round(t.successes / red.wall_s, 1),
                    "tally": t.as_dict(),
                    "retries_503": sum(o.retries for o in red.outcomes),
                    "latency_ms": lat(lambda s, o: o.status > 0),
                    "latency_by_kind_ms": {
                        "token": lat(lambda s, o: o.status > 0 and not s.by_code),
                        "code": lat(lambda s, o: o.status > 0 and s.by_code),
                    },
                    "latency_by_status_ms": {
                        "200": lat(lambda s, o: o.status == 200),
                        "409": lat(lambda s, o: o.status == 409),
                    },
                    "vouchers_scanned_concurrently": overlapping(scans, red.outcomes),
                    "vouchers_near_in_plan": near_in_plan(scans, cfg.clients),
                    "unexpected_samples": red.samples,
                },
                "retry_check": {
                    "sent": rc.sent,
                    "ok_200": rc.ok_200,
                    "same_answer": rc.same_answer,
                    "statuses": {str(k): v for k, v in sorted(rc.statuses.items())},
                    "samples": rc.samples,
                },
                "cpu_s": {
                    "setup": setup_cpu.used,
                    "purchases": purchase_cpu.used,
                    "redemptions": redeem_cpu.used,
                },
                "server_cpu_s_by_process": {
                    "purchases": purchase_split,
                    "redemptions": redeem_split,
                },
                "pg_activity_during_redemptions": pg_activity,
                "pg_table_scans_during_redemptions": pg_scans,
                "peak_rss_mib": round(monitor.peak_kib / 1024, 1),
                "rss_after_mib": {
                    "setup": round(rss_setup / 1024, 1),
                    "purchases": round(rss_purchases / 1024, 1),
                    "redemptions": round(rss_redemptions / 1024, 1),
                },
                "sum_vmhwm_mib": round(hwm_kib / 1024, 1),
                "server_processes": monitor.processes,
                "database": counts,
                "verify": verify,
            }
        )
    finally:
        if activity is not None and activity.is_alive():
            activity.stop()
        if monitor is not None and monitor.is_alive():
            monitor.stop()
        server.stop()
        backend.drop()
    result["server_log"] = {"path": str(log_path.relative_to(ROOT)), **scan_log(log_path)}
    return result
