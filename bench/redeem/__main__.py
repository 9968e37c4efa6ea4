"""End-to-end voucher redemption benchmark: purchases and counter scans through the real service.

    python -m bench.redeem                  # PostgreSQL; 2,000 vouchers, 20,000 scans, 16 clients
    python -m bench.redeem --quick          # smoke: 200 vouchers, 2,000 scans
    python -m bench.redeem --backend sqlite --clients 32

A fresh database (PostgreSQL `puhui_bench_<random>`, dropped at the end; SQLite a file in a
temporary directory), `puhui migrate`, two admins (`puhui create-staff`), `puhui serve` on a free
port of 127.0.0.1 (2 workers and Redis on PostgreSQL, 1 worker on SQLite; dev login, no jobs,
access tokens of 120 minutes). Setup (timed, not the headline): a merchant, a store, a cashier
account and an approved offer of V vouchers at 100 points, limit 10 per citizen; V / 10 citizens
signed in, consenting and funded with 1,000 points by four-eyes adjustments. Purchases (timed):
each citizen buys 10 vouchers (POST /v1/me/vouchers with an Idempotency-Key) from C clients.
Redemptions (timed, the headline): every voucher scanned 10 times in a shuffled order from C
clients (POST /v1/merchant/redemptions, the token or, for a share of scans, the code, and a fresh
nonce each): exactly one 200 per voucher is expected, the other scans 409 already_redeemed. Then
100 successful scans are re-sent with their original nonce and must answer 200 again. Figures
are printed and written to bench/out/redeem-<backend>.json; the server's output goes to
bench/out/server-redeem-<backend>.log. Exit status 1 on any mismatch.
"""

from __future__ import annotations

import argparse
import signal
from typing import Any

from bench.ingest.config import DEFAULT_REDIS, OUT
from bench.ingest.report import log, scan_log
from bench.redeem.config import PER_CITIZEN, Config
from bench.redeem.report import problems, publish
from bench.redeem.run import run_backend


def parse_args(argv: list[str] | None = None) -> Config:
    p = argparse.ArgumentParser(
        prog="python -m bench.redeem",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--backend", choices=["pg", "sqlite"], default="pg")
    p.add_argument(
        "--vouchers", type=int, help=f"vouchers bought, a multiple of {PER_CITIZEN} (default 2,000)"
    )
    p.add_argument("--scans-per-voucher", type=int, default=10)
    p.add_argument(
        "--clients", type=int, default=16, help="concurrent clients (purchases and scans)"
    )
    p.add_argument("--code-fraction", type=float, default=0.1, help="share of scans sent as {code}")
    p.add_argument(
        "--retry-check", type=int, default=100, help="successful scans re-sent with their nonce"
    )
    p.add_argument("--workers", type=int, help="server workers (default 2 on pg, 1 on sqlite)")
    p.add_argument("--setup-concurrency", type=int, default=32, help="setup requests in flight")
    p.add_argument(
        "--redis",
        dest="redis_url",
        metavar="URL",
        default=DEFAULT_REDIS,
        help=f"PUHUI_REDIS_URL for the server when it runs more than one worker (default "
        f"{DEFAULT_REDIS}); 'none' to never set it",
    )
    p.add_argument("--redis-always", action="store_true", help="set it for one worker too")
    p.add_argument("--seed", type=int, default=20261125)
    p.add_argument("--quick", action="store_true", help="smoke run: 200 vouchers, 2,000 scans")
    a = p.parse_args(argv)
    vouchers = a.vouchers or (200 if a.quick else 2000)
    if vouchers < PER_CITIZEN or vouchers % PER_CITIZEN:
        p.error(f"--vouchers must be a positive multiple of {PER_CITIZEN}")
    if a.scans_per_voucher < 1 or a.clients < 1 or a.setup_concurrency < 1 or a.retry_check < 0:
        p.error(
            "--scans-per-voucher, --clients and --setup-concurrency must be >= 1, "
            "--retry-check >= 0"
        )
    if not 0 <= a.code_fraction <= 1:
        p.error("--code-fraction must be within 0..1")
    return Config(
        backend=a.backend,
        vouchers=vouchers,
        scans_per_voucher=a.scans_per_voucher,
        clients=a.clients,
        code_fraction=a.code_fraction,
        retry_check=a.retry_check,
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
    OUT.mkdir(parents=True, exist_ok=True)
    try:
        r = run_backend(cfg)
    except Exception as exc:
        log(f"{cfg.backend}: FAILED: {exc}")
        log_path = OUT / f"server-redeem-{cfg.backend}.log"
        info = scan_log(log_path)
        if info["error_lines"]:
            log(f"{log_path}: {info['error_lines']} error lines, first: {info['first_errors'][:2]}")
        return 1
    publish(cfg.backend, r)
    bad = problems(r)
    for line in bad:
        log(line)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
