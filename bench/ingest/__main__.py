"""End-to-end ingest benchmark: signed metro journey batches through the real service over HTTP.

    python -m bench.ingest                 # PostgreSQL, then SQLite; 10,000 citizens, 200,000 trips
    python -m bench.ingest --quick         # smoke: 500 citizens, 10,000 trips
    python -m bench.ingest --backend pg --trips 50000 --clients 16

Per backend: a fresh database (PostgreSQL `puhui_bench_<random>`, dropped at the end; SQLite a
file in a temporary directory), `puhui migrate`, `puhui serve` as a subprocess on a free port of
127.0.0.1. Setup (not timed as ingest): one metro operator with the Nanjing demo network, N
citizens signed in, consenting and linked through binding codes (over HTTP), consent backdated
by 8 days in the database. Ingest (timed): T journeys in batches of B from C concurrent clients,
each request HMAC-signed as API.md says. Meanwhile S sampled citizens listen on
GET /v1/me/events; each of them has exactly one trip, in a batch sent mid-run, so
event arrival - batch send time is the feed-to-event latency. The server's process tree RSS is
polled every 0.2 s. With more than one worker the service needs Redis (PUHUI_REDIS_URL: nonces,
revocations, rate limits and live events shared by every process): --redis, default
redis://127.0.0.1:6379/14. On PostgreSQL, pg_stat_activity is sampled during the ingest and
pg_stat_user_tables diffed, to show where the database spends its time. Figures are printed
and written to bench/out/ingest-<backend>.json; the server's output goes to
bench/out/server-<backend>.log.
"""

from __future__ import annotations

import argparse
import signal
from typing import Any

from bench.ingest.config import DEFAULT_REDIS, OUT, Config
from bench.ingest.report import log, publish, scan_log
from bench.ingest.run import run_backend
from bench.ingest.signing import self_check_signing


def parse_args(argv: list[str] | None = None) -> Config:
    p = argparse.ArgumentParser(
        prog="python -m bench.ingest",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--backend", choices=["pg", "sqlite", "both"], default="both")
    p.add_argument("--trips", type=int, help="journeys to ingest (default 200,000)")
    p.add_argument("--citizens", type=int, help="linked citizens (default 10,000)")
    p.add_argument("--batch", type=int, default=500, help="journeys per request (max 1000)")
    p.add_argument("--clients", type=int, default=8, help="concurrent ingest clients")
    p.add_argument("--sample", type=int, default=50, help="citizens listening on /v1/me/events")
    p.add_argument("--workers", type=int, help="server workers (default 2 on pg, 1 on sqlite)")
    p.add_argument("--setup-concurrency", type=int, default=32, help="setup requests in flight")
    p.add_argument(
        "--redis",
        dest="redis_url",
        metavar="URL",
        default=DEFAULT_REDIS,
        help=f"PUHUI_REDIS_URL for the server when it runs more than one worker (the service "
        f"requires it then; default {DEFAULT_REDIS}); 'none' to never set it",
    )
    p.add_argument("--redis-always", action="store_true", help="set it for one worker too")
    p.add_argument("--seed", type=int, default=20261125)
    p.add_argument("--quick", action="store_true", help="smoke run: 500 citizens, 10,000 trips")
    a = p.parse_args(argv)
    trips = a.trips or (10_000 if a.quick else 200_000)
    citizens = a.citizens or (500 if a.quick else 10_000)
    if not 1 <= a.batch <= 1000:
        p.error("--batch must be 1..1000")
    if a.clients < 1 or a.setup_concurrency < 1 or a.sample < 0:
        p.error("--clients and --setup-concurrency must be >= 1, --sample >= 0")
    if a.sample >= citizens:
        p.error("--sample must be below --citizens")
    if trips < citizens:
        p.error("--trips must be at least --citizens (every citizen gets a trip)")
    backends = ["pg", "sqlite"] if a.backend == "both" else [a.backend]
    return Config(
        backends=backends,
        trips=trips,
        citizens=citizens,
        batch=a.batch,
        clients=a.clients,
        sample=a.sample,
        workers=a.workers,
        setup_concurrency=a.setup_concurrency,
        redis_url=None if a.redis_url == "none" else a.redis_url,
        redis_always=a.redis_always,
        seed=a.seed,
    )


def _sigterm(_signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt  # unwinds through the finally blocks: server stopped, database dropped


def main(argv: list[str] | None = None) -> int:
    cfg = parse_args(argv)
    signal.signal(signal.SIGTERM, _sigterm)
    self_check_signing()
    OUT.mkdir(parents=True, exist_ok=True)
    failed = False
    for name in cfg.backends:
        try:
            r = run_backend(cfg, name)
        except Exception as exc:
            failed = True
            log(f"{name}: FAILED: {exc}")
            log_path = OUT / f"server-{name}.log"
            info = scan_log(log_path)
            if info["error_lines"]:
                first = info["first_errors"][:2]
                log(f"{log_path}: {info['error_lines']} error lines, first: {first}")
            continue
        publish(name, r)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
