"""Fault drill: signed metro journey batches from concurrent clients while the server is killed.

    python -m bench.drill                 # about 2 minutes on 2 cores: 8 kills, 2 Redis restarts
    python -m bench.drill --citizens 2000 --trips 96000 --kills 30 --redis-restarts 5
    python -m bench.drill --seed 962218034  # the same plan and fault schedule again

A fresh PostgreSQL database (`puhui_drill_<random>`, dropped at the end even on failure) and a
redis-server of its own on a free port of 127.0.0.1 (`--save '' --appendonly no`: a restart
forgets everything). `puhui serve` (2 workers) on a free port; one metro operator, N citizens
signed in, consenting and linked (bench.ingest's setup). Then T journeys (bench.ingest's plan,
within the daily caps) in batches of B from C concurrent clients, each request signed. Meanwhile,
at random moments (once a random fraction of the batches is answered, after a random pause of up
to half a second, and only once the service has answered again since the last fault), the
server's whole process tree is killed with SIGKILL and started again, and Redis is killed and
started again with the server left running. Every batch whose answer did not come back is sent
again (fresh nonce and timestamp) until all are answered. The plan's batches are let out only a
little beyond the next fault's due point, so that slow restarts do not leave the last faults
without traffic; while held back, the clients send answered batches again as fillers. Then every
batch is sent once more: those replays must credit nothing.

At the end the database is read back: each trip sent must be stored once and, if credited, have
exactly one `earn` posting of its points, and the service's answers must agree with the rows;
postings must sum to zero, earn postings come from sys:issuance and add up to the credited trips,
cached balances and entry counts equal their postings, lots equal balances; `puhui verify` must
pass. Exit 1 if anything is lost or doubled, a check fails or a planned fault did not strike.
Figures printed and written to bench/out/drill/drill.json; each server life's output in
bench/out/drill/server-<n>.log, Redis's in bench/out/drill/redis.log.
"""

from __future__ import annotations

import argparse
import random
import secrets
import signal
from typing import Any

from bench.drill.config import Config
from bench.drill.report import publish
from bench.drill.run import run_drill
from bench.drill.schedule import make_schedule
from bench.ingest.report import log
from bench.ingest.signing import self_check_signing


def parse_args(argv: list[str] | None = None) -> Config:
    p = argparse.ArgumentParser(
        prog="python -m bench.drill",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--citizens", type=int, default=500, help="linked citizens")
    p.add_argument("--trips", type=int, default=24_000, help="journeys (at most 48 a citizen)")
    p.add_argument("--batch", type=int, default=80, help="journeys per request (max 1000)")
    p.add_argument("--clients", type=int, default=8, help="concurrent clients")
    p.add_argument("--kills", type=int, default=8, help="server kills (at least 5)")
    p.add_argument("--redis-restarts", type=int, default=2, help="Redis restarts (at least 1)")
    p.add_argument("--redis-down", type=float, default=2.0, help="seconds Redis stays down")
    p.add_argument("--setup-concurrency", type=int, default=16, help="setup requests in flight")
    p.add_argument("--seed", type=int, help="of the plan and the schedule (default: random)")
    a = p.parse_args(argv)
    if not 1 <= a.batch <= 1000:
        p.error("--batch must be 1..1000")
    if a.kills < 5 or a.redis_restarts < 1:
        p.error("the drill kills the server at least 5 times and restarts Redis at least once")
    if a.citizens < 1 or a.clients < 1 or a.setup_concurrency < 1:
        p.error("--citizens, --clients and --setup-concurrency must be >= 1")
    if not a.citizens <= a.trips <= 48 * a.citizens:
        p.error("--trips must be 1 to 48 per citizen (8 a day over 6 days keeps clear of the caps)")
    if a.trips / a.batch < 4 * (a.kills + a.redis_restarts):
        p.error("too few batches for the faults: raise --trips or lower --batch")
    try:
        make_schedule(random.Random(0), a.kills, a.redis_restarts)
    except ValueError as exc:
        p.error(f"{exc}: fewer --kills or --redis-restarts")
    return Config(
        citizens=a.citizens,
        trips=a.trips,
        batch=a.batch,
        clients=a.clients,
        kills=a.kills,
        redis_restarts=a.redis_restarts,
        redis_down_s=a.redis_down,
        setup_concurrency=a.setup_concurrency,
        seed=a.seed if a.seed is not None else secrets.randbelow(10**9),
    )


def _sigterm(_signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt  # unwinds the finally blocks: processes stopped, database dropped


def main(argv: list[str] | None = None) -> int:
    cfg = parse_args(argv)
    signal.signal(signal.SIGTERM, _sigterm)
    self_check_signing()
    try:
        figures = run_drill(cfg)
    except Exception as exc:
        log(f"drill FAILED before its checks: {exc!r}")
        return 1
    publish(figures)
    return 0 if figures.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
