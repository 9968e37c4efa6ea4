"""Registry benchmark: transfers and retirements end to end over HTTP, on PostgreSQL.

    python -m bench.registry                 # 20 organisations, 1,000 transfers + 1,000 retirements
    python -m bench.registry --quick         # smoke: 100 + 100, no limits run
    python -m bench.registry --clients 64 --workers 2

A fresh PostgreSQL database (dropped at the end), `puhui migrate`, N organisations arranged in
the database (a holding account, a registered project, a verified report issued four-eyes
through the real use cases, one member), `puhui serve` on a free port (2 workers and Redis by
default). Timed: the shuffled transfers (1..5 t to another organisation) and retirements
(1..5 t) from C concurrent clients, each with its own Idempotency-Key, signed in as the sending
organisation's member. Then `puhui verify`, and the machine's limits measured right after
(../shared/limits/run.sh: a bare Litestar endpoint and a Litestar + asyncpg primary-key read),
so our operations per second are printed as a ratio of the plain read beside them. Figures go
to bench/out/registry-pg.json. Exit status 1 when an operation failed or verify did not pass.
"""

from __future__ import annotations

import argparse
import json
import signal
from typing import Any

from bench.ingest.config import DEFAULT_REDIS, OUT
from bench.ingest.report import log
from bench.registry.run import TARGET_OPS_PER_S, TARGET_P99_MS, run


def _sigterm(_signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt  # unwinds through the finally blocks: server stopped, database dropped


def report(r: dict[str, Any]) -> list[str]:
    lat, lim = r["latency_ms"], r.get("limits") or {}
    lines = [
        f"--- registry benchmark: pg, {r['workers']} worker(s), {r['clients']} clients ---",
        f"operations: {r['operations']:,} ({r['succeeded_201']:,} answered 201) in {r['wall_s']} s",
        f"throughput: {r['ops_per_s']} ops/s (target {TARGET_OPS_PER_S})",
        f"latency: p50 {lat['p50']} ms, p99 {lat['p99']} ms, max {lat['max']} ms "
        f"(target p99 < {TARGET_P99_MS} ms)",
    ]
    for kind, d in r["latency_by_kind_ms"].items():
        lines.append(f"  {kind}: n {d['n']}, p50 {d['p50']} ms, p99 {d['p99']} ms")
    lines.append(f"server peak RSS: {r['peak_rss_mib']} MiB over {r['server_processes']} processes")
    lines.append(f"verify: {'ok' if r['verify']['ok'] else 'FAILED'}")
    if lim.get("pk_read_req_per_s"):
        ratio = r["ops_per_s"] / lim["pk_read_req_per_s"]
        lines.append(
            f"machine limit now: Litestar + asyncpg pk read {lim['pk_read_req_per_s']} req/s, "
            f"bare Litestar {lim['bare_litestar_req_per_s']} req/s; ours = {ratio:.1%} of the read"
        )
    elif "limits" in r:
        lines.append(f"machine limits not measured: {lim.get('output') or lim.get('reason')}")
    return lines


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m bench.registry",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--orgs", type=int, default=20)
    p.add_argument("--units", type=int, default=20_000, help="tonnes issued to each organisation")
    p.add_argument("--transfers", type=int)
    p.add_argument("--retirements", type=int)
    p.add_argument("--clients", type=int, default=32)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--redis", default=DEFAULT_REDIS, help="PUHUI_REDIS_URL with 2+ workers")
    p.add_argument("--seed", type=int, default=20261201)
    p.add_argument("--no-limits", action="store_true", help="skip ../shared/limits/run.sh")
    p.add_argument("--quick", action="store_true", help="100 + 100 operations, no limits")
    a = p.parse_args(argv)
    if a.orgs < 2 or a.clients < 1 or a.workers < 1:
        p.error("--orgs must be >= 2, --clients and --workers >= 1")
    n = 100 if a.quick else 1000
    signal.signal(signal.SIGTERM, _sigterm)
    OUT.mkdir(parents=True, exist_ok=True)
    r = run(
        a.orgs,
        a.units,
        a.transfers or n,
        a.retirements or n,
        a.clients,
        a.workers,
        None if a.redis == "none" else a.redis,
        a.seed,
        not (a.no_limits or a.quick),
    )
    (OUT / "registry-pg.json").write_text(json.dumps(r, indent=2, default=str))
    for line in report(r):
        print(line, flush=True)
    failed = r["succeeded_201"] != r["operations"] or not r["verify"]["ok"]
    if failed:
        log(f"FAILED: {r['error_samples'][:3]} verify={r['verify']['ok']}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
