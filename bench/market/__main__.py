"""Market benchmark: orders paid through a fake WeChat Pay and settled by callbacks, on PostgreSQL.

    python -m bench.market                   # 2,000 orders from 32 clients
    python -m bench.market --quick           # smoke: 100 orders, no limits run
    python -m bench.market --orders 5000 --clients 64 --workers 2

A fresh PostgreSQL database (dropped at the end), `puhui migrate`, the market arranged in the
database through the real use cases (a reference price; N seller organisations whose issued units
are each listed in one listing; M buyer organisations with one member each). The fake WeChat Pay
runs in this process with fixed serials and APIv3 key; `puhui serve` (2 workers and Redis by
default, on a free port) is configured PUHUI_WECHATPAY=live against it, its keys in temporary PEM
files. Timed: from C concurrent clients, each order is placed (POST /v1/org/orders with its own
Idempotency-Key, 1-3 t of a random listing), paid at the fake, and its signed notice POSTed by
the client to /v1/payments/wechatpay/notify. Then the database is asked whether every order was
delivered exactly once, `puhui verify` runs, and the machine's limits are measured right after
(../shared/limits/run.sh), so the settled orders per second are printed as a ratio of the plain
read beside them. Figures go to bench/out/market-pg.json. Exit status 1 when an order failed or
was not delivered exactly once, or verify did not pass.
"""

from __future__ import annotations

import argparse
import json
import signal
from typing import Any

from bench.ingest.config import DEFAULT_REDIS, OUT
from bench.ingest.report import log
from bench.market.run import TARGET_CALLBACK_P99_MS, TARGET_ORDERS_PER_S, run


def _sigterm(_signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt  # unwinds through the finally blocks: server stopped, database dropped


def _ms(d: dict[str, Any]) -> str:
    return f"p50 {d['p50']} ms, p99 {d['p99']} ms, max {d['max']} ms (n {d['n']})"


def report(r: dict[str, Any]) -> list[str]:
    lat, s, lim = r["latency_ms"], r["settlement"], r.get("limits") or {}
    lines = [
        f"--- market benchmark: pg, {r['workers']} worker(s), {r['clients']} clients ---",
        f"orders: {r['orders']:,} ({r['placed_201']:,} placed 201, {r['callbacks_204']:,} "
        f"callbacks 204) in {r['wall_s']} s",
        f"throughput: {r['orders_per_s']} settled orders/s (target {TARGET_ORDERS_PER_S})",
        f"order:    {_ms(lat['order'])}",
        f"callback: {_ms(lat['callback'])} (target p99 < {TARGET_CALLBACK_P99_MS} ms)",
        f"pay at the fake (this process): {_ms(lat['pay'])}",
        f"end to end: {_ms(lat['end_to_end'])}",
        f"settled: {s['delivered_exactly_once']:,} of {r['placed_201']:,} placed delivered exactly "
        f"once; orders in the database {s['by_status']}; listings {s['listings']}",
        "cpu seconds: " + ", ".join(f"{k} {v}" for k, v in r["cpu_s"].items()),
        "cpu per settled order: "
        + ", ".join(f"{k} {v} ms" for k, v in r["cpu_ms_per_order"].items())
        + " (bench_client: the clients, the fake and the monitors, all in this process)",
        f"server peak RSS: {r['peak_rss_mib']} MiB over {r['server_processes']} processes",
        f"server log: {r['server_log']['lines']} lines, {r['server_log']['error_lines']} errors",
        f"verify: {'ok' if r['verify']['ok'] else 'FAILED'}",
    ]
    if r["pg_activity"]:
        lines.append("pg activity (non-idle backends on average, by statement and wait):")
        for a in r["pg_activity"][:5]:
            lines.append(f"  {a['avg_backends']:5.2f}  {a['wait']:<24} {a['query'][:80]}")
    for e in s["wrong_samples"][:3] + r["error_samples"][:3] + r["server_log"]["first_errors"][:3]:
        lines.append(f"  ! {e}")
    if lim.get("pk_read_req_per_s"):
        ratio = r["orders_per_s"] / lim["pk_read_req_per_s"]
        lines.append(
            f"machine limit now: Litestar + asyncpg pk read {lim['pk_read_req_per_s']} req/s, "
            f"bare Litestar {lim['bare_litestar_req_per_s']} req/s; ours = {ratio:.1%} of the read"
        )
    elif "limits" in r:
        lines.append(f"machine limits not measured: {lim.get('output') or lim.get('reason')}")
    return lines


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m bench.market",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--orders", type=int)
    p.add_argument("--sellers", type=int, default=20, help="seller organisations, one listing each")
    p.add_argument("--units", type=int, default=2_000, help="tonnes each seller lists")
    p.add_argument("--buyers", type=int, default=50, help="buyer organisations, one member each")
    p.add_argument("--clients", type=int, default=32)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--redis", default=DEFAULT_REDIS, help="PUHUI_REDIS_URL with 2+ workers")
    p.add_argument("--seed", type=int, default=20261201)
    p.add_argument("--no-limits", action="store_true", help="skip ../shared/limits/run.sh")
    p.add_argument("--quick", action="store_true", help="100 orders, no limits")
    a = p.parse_args(argv)
    if min(a.sellers, a.buyers, a.clients, a.workers, a.units) < 1:
        p.error("--sellers, --buyers, --units, --clients and --workers must be >= 1")
    orders = a.orders or (100 if a.quick else 2000)
    signal.signal(signal.SIGTERM, _sigterm)
    OUT.mkdir(parents=True, exist_ok=True)
    r = run(
        orders,
        a.sellers,
        a.units,
        a.buyers,
        a.clients,
        a.workers,
        None if a.redis == "none" else a.redis,
        a.seed,
        not (a.no_limits or a.quick),
    )
    (OUT / "market-pg.json").write_text(json.dumps(r, indent=2, default=str))
    for line in report(r):
        print(line, flush=True)
    every = r["placed_201"] == r["callbacks_204"] == r["orders"]
    failed = not (every and r["settlement"]["ok"] and r["verify"]["ok"])
    if failed:
        log(
            f"FAILED: {r['error_samples'][:3]} {r['settlement']['wrong_samples'][:3]} "
            f"verify={r['verify']['ok']}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
