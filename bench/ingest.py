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
import asyncio
import bisect
import contextlib
import hashlib
import hmac
import json
import math
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
BIN = Path(sys.executable).parent  # the virtualenv's bin/ (puhui lives next to python)
DEFAULT_REDIS = "redis://127.0.0.1:6379/14"
PG_ADMIN_URL = os.environ.get("PUHUI_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
SHANGHAI = timezone(timedelta(hours=8))  # no DST in China: a fixed offset is exact
MAX_RETRIES = 3  # per batch, on 503 transient_conflict
STATUSES = ("credited", "duplicate", "rejected", "capped", "pending")

# Crediting parameters of NJ-GT v1 (METHODOLOGY.md) that the trip generator keeps clear of.
METRO_NET_G_PER_KM = 46.8  # 120.0 baseline - 73.2 metro, 1 point per gram
MIN_DISTANCE_M = 1100  # rule: 1.0 km
MAX_SPEED_M_PER_S = 70_000 / 3600  # rule: 80 km/h
DAILY_POINTS_BUDGET = 2900  # cap: 3000
MAX_TRIPS_PER_DAY = 8  # cap: 10
FIRST_HOUR, LAST_HOUR = 6, 23  # trips in the metro's opening hours, Shanghai time


# ---------------------------------------------------------------------------------------------
# configuration


@dataclass
class Config:
    backends: list[str]
    trips: int
    citizens: int
    batch: int
    clients: int
    sample: int
    workers: int | None
    setup_concurrency: int
    redis_url: str | None
    redis_always: bool
    seed: int


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


# ---------------------------------------------------------------------------------------------
# small helpers


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def pct(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100)."""
    if not values:
        return None
    s = sorted(values)
    k = max(1, math.ceil(q / 100 * len(s)))
    return s[k - 1]


def dist_summary(values_ms: list[float]) -> dict[str, float | int | None]:
    def r(v: float | None) -> float | None:
        return None if v is None else round(v, 1)

    return {
        "n": len(values_ms),
        "p50": r(pct(values_ms, 50)),
        "p99": r(pct(values_ms, 99)),
        "max": r(max(values_ms) if values_ms else None),
    }


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def body_sha(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def signed_headers(key_id: str, secret: str, path: str, sha_hex: str) -> dict[str, str]:
    """API.md: hex HMAC-SHA256 over METHOD \\n PATH \\n TIMESTAMP \\n NONCE \\n sha256hex(BODY)."""
    ts, nonce = str(int(time.time())), secrets.token_hex(16)
    message = "\n".join(("POST", path, ts, nonce, sha_hex)).encode()
    return {
        "X-Puhui-Key": key_id,
        "X-Puhui-Timestamp": ts,
        "X-Puhui-Nonce": nonce,
        "X-Puhui-Signature": hmac.new(secret.encode(), message, hashlib.sha256).hexdigest(),
        "Content-Type": "application/json",
    }


def _self_check_signing() -> None:
    """Our precomputed-hash signing agrees with the service's own sign()."""
    from domain.operators.signing import sign

    body = b'{"trips":[]}'
    h = signed_headers("k", "s3cret", "/v1/operators/x/trips", body_sha(body))
    expected = sign(
        "s3cret", "POST", "/v1/operators/x/trips", h["X-Puhui-Timestamp"], h["X-Puhui-Nonce"], body
    )
    assert h["X-Puhui-Signature"] == expected, "bench signing disagrees with domain sign()"


def dumps(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


# ---------------------------------------------------------------------------------------------
# databases


class Backend:
    name: str
    url: str

    def create(self) -> None: ...

    def drop(self) -> None: ...


class PostgresBackend(Backend):
    name = "pg"

    def __init__(self) -> None:
        self.db = f"puhui_bench_{secrets.token_hex(4)}"
        base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
        self.url = f"{base}/{self.db}"
        self.created = False

    async def _admin(self, sql: str) -> None:
        import asyncpg

        conn = await asyncpg.connect(PG_ADMIN_URL, timeout=10)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    def create(self) -> None:
        asyncio.run(self._admin(f'CREATE DATABASE "{self.db}"'))
        self.created = True
        log(f"created database {self.db}")

    def drop(self) -> None:
        if not self.created:
            return
        try:
            asyncio.run(self._admin(f'DROP DATABASE IF EXISTS "{self.db}" WITH (FORCE)'))
            log(f"dropped database {self.db}")
        except Exception as exc:
            log(f"WARNING: could not drop database {self.db}: {exc!r}")


class SqliteBackend(Backend):
    name = "sqlite"

    def __init__(self) -> None:
        self.tmp = tempfile.TemporaryDirectory(prefix="puhui-bench-")
        self.path = Path(self.tmp.name) / "puhui.db"
        self.url = f"sqlite+aiosqlite:///{self.path}"

    def create(self) -> None:
        log(f"database file {self.path}")

    def drop(self) -> None:
        size = sum(p.stat().st_size for p in Path(self.tmp.name).glob("puhui.db*"))
        log(f"removing {self.path} ({size / 2**20:.0f} MiB with WAL)")
        self.tmp.cleanup()


# ---------------------------------------------------------------------------------------------
# the service


def service_env(url: str, port: int, workers: int, redis_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PUHUI_")}
    env.update(
        {
            "PUHUI_DATABASE_URL": url,
            "PUHUI_HOST": "127.0.0.1",
            "PUHUI_PORT": str(port),
            "PUHUI_DEV_LOGIN": "true",
            "PUHUI_LOG_LEVEL": "WARNING",
            "PUHUI_AUTH_RATE_LIMIT_PER_MINUTE": "1000000",
            "PUHUI_DATABASE_POOL_SIZE": "20",
            "PUHUI_WORKERS": str(workers),
        }
    )
    if redis_url:
        env["PUHUI_REDIS_URL"] = redis_url
    return env


def puhui(env: dict[str, str], *args: str) -> str:
    """Run a `puhui` sub-command; its stdout (raises with its output on failure)."""
    proc = subprocess.run(
        [str(BIN / "puhui"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(
            f"puhui {args[0]} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}"
        )
    return proc.stdout


class Server:
    """`puhui serve` in its own session, output to a log file; stop = SIGTERM, then SIGKILL."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.env, self.log_path = env, log_path
        self.proc: subprocess.Popen[bytes] | None = None
        self.base = f"http://127.0.0.1:{env['PUHUI_PORT']}"

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            [str(BIN / "puhui"), "serve"],
            env=self.env,
            cwd=ROOT,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"server exited with {self.proc.returncode}; see {self.log_path}"
                )
            try:
                if httpx.get(f"{self.base}/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"server not healthy after 90 s; see {self.log_path}")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            log("server did not stop within 30 s of SIGTERM; killing its process group")
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        # Workers left behind by a crashed supervisor share its session: end them too.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self._log.close()


def _proc_tree(root: int) -> list[int]:
    children: dict[int, list[int]] = defaultdict(list)
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        children[ppid].append(int(entry))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def _status_kib(pid: int, field_name: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cpu_s(pids: list[int]) -> float:
    """utime + stime of these processes, in seconds."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def _postgres_pids() -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/comm") as f:
                    if f.read().strip() == "postgres":
                        out.append(int(entry))
            except OSError:
                continue
    return out


class CpuMeter:
    """CPU seconds used during a phase by the server tree, this process, and PostgreSQL."""

    def __init__(self, server_pid: int, with_pg: bool) -> None:
        self.server_pid, self.with_pg = server_pid, with_pg

    def _now(self) -> dict[str, float]:
        t = os.times()
        out = {
            "server": _cpu_s(_proc_tree(self.server_pid)),
            "bench_client": t.user + t.system,
            "wall": time.perf_counter(),
        }
        if self.with_pg:
            out["postgres"] = _cpu_s(_postgres_pids())
        return out

    def __enter__(self) -> CpuMeter:
        self.start = self._now()
        return self

    def __exit__(self, *exc: object) -> None:
        end = self._now()
        self.used = {k: round(end[k] - self.start[k], 1) for k in end}


class PgActivity(threading.Thread):
    """Poor man's profiler: samples pg_stat_activity of the bench database every 0.2 s and counts
    (statement head, wait event) of the non-idle backends."""

    def __init__(self, url: str, db: str) -> None:
        super().__init__(daemon=True, name="pg-activity")
        self.url = url.replace("postgresql+asyncpg://", "postgresql://")
        self.db = db
        self.samples = 0
        self.seen: Counter[tuple[str, str, str]] = Counter()
        self._stop_flag = threading.Event()

    def run(self) -> None:
        asyncio.run(self._main())

    async def _main(self) -> None:
        import asyncpg

        conn = await asyncpg.connect(self.url, timeout=10)
        sql = (
            "SELECT state, coalesce(wait_event_type || ':' || wait_event, 'CPU'), query"
            " FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()"
            " AND state <> 'idle'"
        )
        try:
            while not self._stop_flag.is_set():
                rows = await conn.fetch(sql, self.db)
                self.samples += 1
                for state, wait, query in rows:
                    head = re.sub(r"\s+", " ", (query or "")[:2000])  # linear regexes only
                    head = re.sub(r"\$\d+(::\w+)?", "?", head)
                    head = re.sub(r"\?(, \?)+", "?...", head)[:110]
                    self.seen[(head, state, wait)] += 1
                await asyncio.sleep(0.2)
        finally:
            await conn.close()

    async def table_scans(self) -> dict[str, dict[str, int]]:
        import asyncpg

        conn = await asyncpg.connect(self.url, timeout=10)
        try:
            rows = await conn.fetch(
                "SELECT relname, seq_scan, seq_tup_read, coalesce(idx_scan, 0) AS idx_scan,"
                " n_live_tup FROM pg_stat_user_tables"
            )
        finally:
            await conn.close()
        return {r["relname"]: dict(r.items()) for r in rows}

    def stop(self) -> list[dict[str, Any]]:
        self._stop_flag.set()
        self.join(timeout=5)
        n = max(self.samples, 1)
        return [
            {"avg_backends": round(c / n, 2), "state": st, "wait": w, "query": q}
            for (q, st, w), c in self.seen.most_common(12)
        ]


class RssMonitor(threading.Thread):
    """Every 0.2 s: the sum of VmRSS over the server's process tree; keeps the maximum."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True, name="rss-monitor")
        self.pid, self.peak_kib, self.processes = pid, 0, 0
        self.hwm_kib: dict[int, int] = {}
        self._stop_flag = threading.Event()

    def run(self) -> None:
        while not self._stop_flag.wait(0.2):
            pids = _proc_tree(self.pid)
            self.processes = max(self.processes, len(pids))
            self.peak_kib = max(self.peak_kib, sum(_status_kib(p, "VmRSS") for p in pids))
            for p in pids:
                self.hwm_kib[p] = max(self.hwm_kib.get(p, 0), _status_kib(p, "VmHWM"))

    def stop(self) -> None:
        self._stop_flag.set()
        self.join(timeout=5)


# ---------------------------------------------------------------------------------------------
# trips


@dataclass
class Plan:
    batches: list[tuple[bytes, str, list[str]]]  # (body, sha256 hex, sampled citizens in it)
    trips: int
    sample_batches: list[int]
    max_per_day: int
    encode_s: float


def station_pairs() -> list[tuple[int, str, str]]:
    """(network distance in m, entry, exit) for every ordered pair of different stations."""
    from domain.network.demo import nanjing_demo

    net = nanjing_demo()
    codes = sorted(s.code for s in net.stops)
    pairs = [(net.distance_m(a, b), a, b) for a in codes for b in codes if a != b]
    return sorted(p for p in pairs if p[0] >= MIN_DISTANCE_M)


def hour_slots(now: datetime) -> dict[date, list[datetime]]:
    """Whole Shanghai hours in the metro's opening hours ending in the last 6 days, before now."""
    start = (
        (now - timedelta(days=6)).astimezone(SHANGHAI).replace(minute=0, second=0, microsecond=0)
    )
    start += timedelta(hours=1)
    end = now - timedelta(minutes=15)
    slots: dict[date, list[datetime]] = defaultdict(list)
    h = start
    while h + timedelta(hours=1) <= end:
        if FIRST_HOUR <= h.hour < LAST_HOUR:
            slots[h.date()].append(h)
        h += timedelta(hours=1)
    return dict(slots)


class TripMaker:
    def __init__(self, rng: random.Random, run: str, now: datetime) -> None:
        self.rng, self.run = rng, run
        self.pairs = station_pairs()
        self.dists = [p[0] for p in self.pairs]
        self.slots = hour_slots(now)
        self.days = sorted(self.slots)
        self.seq = 0

    def _pair(self, max_m: float) -> tuple[str, str]:
        hi = bisect.bisect_right(self.dists, max_m)
        _, a, b = self.pairs[self.rng.randrange(max(hi, 1))]
        return a, b

    def _trip(self, account: str, slot: datetime, per_day: int) -> dict[str, Any]:
        rng = self.rng
        dur_s = rng.randint(10 * 60, 40 * 60)
        max_m = min(
            DAILY_POINTS_BUDGET / per_day / METRO_NET_G_PER_KM * 1000, dur_s * MAX_SPEED_M_PER_S
        )
        entry, exit_ = self._pair(max_m)
        start = slot + timedelta(seconds=rng.randint(0, 3600 - dur_s - 60))
        self.seq += 1
        return {
            "external_trip_id": f"bt-{self.run}-{self.seq:08d}",
            "external_account": account,
            "entry_station": entry,
            "exit_station": exit_,
            "entry_time": start.isoformat(),
            "exit_time": (start + timedelta(seconds=dur_s)).isoformat(),
        }

    def for_citizen(self, account: str, n: int) -> tuple[list[dict[str, Any]], int]:
        """n trips in distinct hour slots, spread over the days (<= 8 a day while possible)."""
        rng = self.rng
        free = {d: rng.sample(s, len(s)) for d, s in self.slots.items()}
        order = rng.sample(self.days, len(self.days))
        per_day: Counter[date] = Counter()
        chosen: list[tuple[date, datetime]] = []
        limit = MAX_TRIPS_PER_DAY
        while len(chosen) < n:
            progressed = False
            for d in order:
                if len(chosen) == n:
                    break
                if free[d] and per_day[d] < limit:
                    chosen.append((d, free[d].pop()))
                    per_day[d] += 1
                    progressed = True
            if not progressed:
                if not any(free.values()):
                    raise SystemExit(f"{n} trips per citizen do not fit in 6 days of hour slots")
                limit += 1  # over the daily cap: some trips will be capped
        trips = [self._trip(account, slot, per_day[d]) for d, slot in chosen]
        return trips, max(per_day.values())


def account_of(run: str, i: int) -> str:
    return f"acct-{run}-{i:06d}"


def make_plan(cfg: Config, run: str, sample_idx: list[int], citizen_ids: list[str]) -> Plan:
    t0 = time.perf_counter()
    rng = random.Random(cfg.seed)
    maker = TripMaker(rng, run, datetime.now(UTC))
    sampled = set(sample_idx)
    regular = [i for i in range(cfg.citizens) if i not in sampled]
    n_regular = cfg.trips - len(sample_idx)
    base, extra = divmod(n_regular, len(regular))
    trips: list[dict[str, Any]] = []
    max_per_day = 0
    for k, i in enumerate(regular):
        made, most = maker.for_citizen(account_of(run, i), base + (1 if k < extra else 0))
        trips.extend(made)
        max_per_day = max(max_per_day, most)
    rng.shuffle(trips)
    # One trip per sampled citizen, at positions spread over the middle fifth of the run.
    owner: dict[str, str] = {}
    sample_trips = []
    for i in sample_idx:
        t = maker.for_citizen(account_of(run, i), 1)[0][0]
        owner[t["external_trip_id"]] = citizen_ids[i]
        sample_trips.append(t)
    for j, t in enumerate(sample_trips):
        pos = int((0.4 + 0.2 * j / max(len(sample_trips), 1)) * len(trips)) + j
        trips.insert(pos, t)
    batches, sample_batches = [], []
    for b in range(0, len(trips), cfg.batch):
        chunk = trips[b : b + cfg.batch]
        body = dumps({"trips": chunk})
        who = [owner[t["external_trip_id"]] for t in chunk if t["external_trip_id"] in owner]
        if who:
            sample_batches.append(len(batches))
        batches.append((body, body_sha(body), who))
    return Plan(
        batches=batches,
        trips=len(trips),
        sample_batches=sample_batches,
        max_per_day=max_per_day,
        encode_s=time.perf_counter() - t0,
    )


# ---------------------------------------------------------------------------------------------
# setup over HTTP


@dataclass
class Setup:
    operator_id: str
    key_id: str
    secret: str
    citizen_ids: list[str] = field(default_factory=list)
    step_ms: dict[str, Any] = field(default_factory=dict)


def _check(r: httpx.Response, expected: int, what: str) -> Any:
    if r.status_code != expected:
        raise RuntimeError(f"{what}: HTTP {r.status_code} {r.text[:800]}")
    return r.json() if r.content else None


async def import_network(base: str, setup: Setup, username: str, password: str) -> dict:
    from domain.network.demo import demo_file

    async with httpx.AsyncClient(base_url=base, timeout=60) as c:
        tok = _check(
            await c.post("/v1/auth/staff", json={"username": username, "password": password}),
            200,
            "staff sign-in",
        )["access_token"]
        body = {
            "stops_txt": demo_file("stops.txt"),
            "route_stops_txt": demo_file("route_stops.txt"),
        }
        r = await c.put(
            f"/v1/admin/operators/{setup.operator_id}/network",
            json=body,
            headers={"Authorization": f"Bearer {tok}"},
        )
        return _check(r, 200, "network import")


async def link_citizens(base: str, cfg: Config, setup: Setup, run: str) -> None:
    """Sign in, consent, ask for a binding code, and have the operator confirm it; per citizen."""
    ids: list[str | None] = [None] * cfg.citizens
    next_i = iter(range(cfg.citizens))
    done = 0
    path = f"/v1/operators/{setup.operator_id}/bindings"
    step = max(cfg.citizens // 10, 1)
    t0 = time.perf_counter()
    step_ms: dict[str, list[float]] = defaultdict(list)

    async def timed(step: str, call: Any) -> httpx.Response:
        t = time.perf_counter()
        r = await call
        step_ms[step].append((time.perf_counter() - t) * 1000)
        return r

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal done
        for i in next_i:
            r = await timed(
                "dev_login", client.post("/v1/auth/dev", json={"openid": f"bench-{run}-{i}"})
            )
            me = _check(r, 200, "dev login")
            auth = {"Authorization": f"Bearer {me['access_token']}"}
            r = await timed(
                "consent", client.put("/v1/me/consent", json={"version": "v1"}, headers=auth)
            )
            _check(r, 200, "consent")
            r = await timed(
                "binding_code",
                client.post(
                    "/v1/me/binding-codes", json={"operator_id": setup.operator_id}, headers=auth
                ),
            )
            code = _check(r, 201, "binding code")["code"]
            body = dumps({"code": code, "external_account": account_of(run, i)})
            headers = signed_headers(setup.key_id, setup.secret, path, body_sha(body))
            r = await timed("operator_binding", client.post(path, content=body, headers=headers))
            _check(r, 200, "binding")
            ids[i] = me["citizen_id"]
            done += 1
            if done % step == 0:
                rate = done / (time.perf_counter() - t0)
                log(f"  setup: {done}/{cfg.citizens} citizens linked ({rate:.0f}/s)")

    limits = httpx.Limits(
        max_connections=cfg.setup_concurrency, max_keepalive_connections=cfg.setup_concurrency
    )
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:
        await asyncio.gather(*(worker(client) for _ in range(cfg.setup_concurrency)))
    setup.citizen_ids = [i for i in ids if i is not None]
    setup.step_ms = {k: dist_summary(v) for k, v in step_ms.items()}
    assert len(setup.citizen_ids) == cfg.citizens


async def backdate_consent(url: str, expected: int) -> int:
    """Every citizen's consent 8 days earlier, directly in the database."""
    import sqlalchemy as sa
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                r = await conn.execute(
                    sa.text(
                        "UPDATE citizens SET consent_given_at = consent_given_at"
                        " - interval '8 days' WHERE consent_given_at IS NOT NULL"
                    )
                )
                n = r.rowcount
            else:  # SQLite keeps naive UTC text: read, shift and write back through SQLAlchemy
                citizens = sa.table(
                    "citizens",
                    sa.column("id", sa.String),
                    sa.column("consent_given_at", sa.DateTime()),
                )
                rows = (
                    await conn.execute(
                        sa.select(citizens.c.id, citizens.c.consent_given_at).where(
                            citizens.c.consent_given_at.is_not(None)
                        )
                    )
                ).all()
                stmt = (
                    citizens.update()
                    .where(citizens.c.id == sa.bindparam("cid"))
                    .values(consent_given_at=sa.bindparam("at"))
                )
                params = [{"cid": cid, "at": at - timedelta(days=8)} for cid, at in rows]
                if params:
                    await conn.execute(stmt, params)
                n = len(params)
    finally:
        await engine.dispose()
    if n != expected:
        raise RuntimeError(f"backdated {n} consents, expected {expected}")
    return n


async def db_counts(url: str) -> dict[str, Any]:
    """What the database holds after the run: trips by status, postings, the points issued."""
    import sqlalchemy as sa
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            by_status = dict(
                (
                    await conn.execute(
                        sa.text("SELECT status, count(*) FROM trips GROUP BY status")
                    )
                ).all()
            )
            postings = (
                await conn.execute(sa.text("SELECT count(*) FROM ledger_postings"))
            ).scalar()
            points = (
                await conn.execute(
                    sa.text("SELECT coalesce(sum(points), 0) FROM trips WHERE status = 'credited'")
                )
            ).scalar()
        return {
            "trips_by_status": {k: int(v) for k, v in by_status.items()},
            "postings": int(postings or 0),
            "points_credited": int(points or 0),
        }
    finally:
        await engine.dispose()


# ---------------------------------------------------------------------------------------------
# live events (in their own thread and event loop, so ingest load on our loop does not delay them)


class EventListeners(threading.Thread):
    def __init__(self, base: str, tokens: dict[str, str]) -> None:
        super().__init__(daemon=True, name="sse-listeners")
        self.base, self.tokens = base, tokens
        self.ready = threading.Event()
        self.ready_once: set[str] = set()
        self.drops: list[tuple[float, str, str]] = []  # (perf_counter, citizen, why)
        self.arrivals: dict[str, float] = {}  # citizen -> perf_counter of the first credit event
        self.events: Counter[str] = Counter()
        self.errors: list[str] = []
        self._stop_flag = threading.Event()

    def run(self) -> None:
        asyncio.run(self._main())

    async def _listen(self, client: httpx.AsyncClient, citizen: str, token: str) -> None:
        """Like EventSource: reconnect (after 0.2 s) whenever the server ends the stream."""
        headers = {"Authorization": f"Bearer {token}", "Accept": "text/event-stream"}
        while not self._stop_flag.is_set():
            try:
                async with client.stream("GET", "/v1/me/events", headers=headers) as r:
                    if r.status_code != 200:
                        self.errors.append(f"{citizen}: HTTP {r.status_code}")
                        return
                    event = None
                    async for line in r.aiter_lines():
                        if line.startswith("event:"):
                            event = line[6:].strip()
                        elif line.startswith("data:") and event is not None:
                            now = time.perf_counter()
                            self.events[event] += 1
                            if event == "ready":
                                self.ready_once.add(citizen)
                            elif event == "points.credited" and citizen not in self.arrivals:
                                self.arrivals[citizen] = now
                        elif line.startswith(":"):
                            self.events["(keep-alive comment)"] += 1
                        elif line == "":
                            event = None
                self.drops.append((time.perf_counter(), citizen, "stream ended by the server"))
            except httpx.HTTPError as exc:
                self.drops.append((time.perf_counter(), citizen, type(exc).__name__))
            await asyncio.sleep(0.2)

    async def _main(self) -> None:
        n = len(self.tokens)
        limits = httpx.Limits(max_connections=n + 1, max_keepalive_connections=n + 1)
        timeout = httpx.Timeout(10.0, read=None)
        async with httpx.AsyncClient(base_url=self.base, timeout=timeout, limits=limits) as c:
            tasks = [
                asyncio.create_task(self._listen(c, cid, tok)) for cid, tok in self.tokens.items()
            ]
            deadline = time.monotonic() + 60
            while len(self.ready_once) < n and time.monotonic() < deadline:  # noqa: ASYNC110
                await asyncio.sleep(0.02)
            self.ready.set()
            while not self._stop_flag.is_set():  # noqa: ASYNC110
                await asyncio.sleep(0.02)
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    def wait_for(self, citizens: set[str], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not citizens <= self.arrivals.keys():
            time.sleep(0.05)

    def stop(self) -> None:
        self._stop_flag.set()
        self.join(timeout=10)


# ---------------------------------------------------------------------------------------------
# ingest


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


# ---------------------------------------------------------------------------------------------
# one backend, end to end


def scan_log(path: Path) -> dict[str, Any]:
    text = path.read_text(errors="replace") if path.exists() else ""
    lines = text.splitlines()
    bad = [
        ln
        for ln in lines
        if "Traceback" in ln
        or re.search(r'"level"\s*:\s*"(error|critical)"', ln, re.I)
        or " ERROR " in ln
    ]
    return {
        "lines": len(lines),
        "error_lines": len(bad),
        "first_errors": [b[:400] for b in bad[:5]],
    }


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

            async def fresh_tokens() -> None:
                async with httpx.AsyncClient(base_url=server.base, timeout=30) as c:
                    for i in sample_idx:
                        r = await c.post("/v1/auth/dev", json={"openid": f"bench-{run}-{i}"})
                        tokens[setup.citizen_ids[i]] = _check(r, 200, "dev login")["access_token"]

            asyncio.run(fresh_tokens())
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
            after = asyncio.run(activity.table_scans())
            for table, a in after.items():
                b = scans_before.get(table, {})
                d = {k: a[k] - b.get(k, 0) for k in ("seq_scan", "seq_tup_read", "idx_scan")}
                if any(d.values()):
                    pg_scans.append({"table": table, **d, "rows_after": a["n_live_tup"]})
            pg_scans.sort(key=lambda x: -x["seq_tup_read"])

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


def report(r: dict[str, Any]) -> str:
    s, bl, fe = r["summary"], r["batch_latency_ms"], r["feed_to_event_ms"]
    c, su = r["config"], r["setup"]
    lines = [
        f"--- ingest benchmark: {r['backend']} ---",
        f"backend            {r['backend']}  (workers {r['workers']}, server processes "
        f"{r['server_processes']}, redis {c['redis'] or 'no'})",
        f"config             {c['citizens']:,} citizens, batch {c['batch']}, "
        f"{c['clients']} clients, sample {c['sample']}",
        f"setup              {r['setup_s']:.1f} s (link {su['link_citizens_s']:.1f} s = "
        f"{su['citizens_per_s']:.0f} citizens/s; network {su['network_import_s']:.2f} s; "
        f"backdate {su['backdate_s']:.2f} s)",
        "setup requests     "
        + "; ".join(
            f"{k} p50 {v['p50']} / p99 {v['p99']} ms"
            for k, v in r["setup"]["request_latency_ms"].items()
        ),
        f"trips sent         {r['trips_sent']:,} in {r['batches']} batches "
        f"({r['records_in_responses']:,} results back, {r['http_errors']} HTTP errors, "
        f"{r['retries_503']} retries after 503)",
        "statuses           " + ", ".join(f"{k} {s[k]:,}" for k in STATUSES),
        f"wall time          {r['wall_s']:.2f} s",
        f"throughput         {r['credited_per_s']:,.0f} credited trips/s, "
        f"{r['records_per_s']:,.0f} records/s",
        "cpu seconds        setup: "
        + ", ".join(f"{k} {v}" for k, v in r["setup"]["cpu_s"].items())
        + "; ingest: "
        + ", ".join(f"{k} {v}" for k, v in r["ingest_cpu_s"].items()),
        f"batch latency      p50 {bl['p50']} ms, p99 {bl['p99']} ms, max {bl['max']} ms "
        f"(n={bl['n']})",
        f"feed-to-event      p50 {fe['p50']} ms, p99 {fe['p99']} ms, max {fe['max']} ms "
        f"({r['events_received']}/{r['events_received'] + r['events_missing']} events received)",
        f"event streams      {r['event_streams']['drops']} drops/reconnects "
        f"{r['event_streams']['drop_reasons']}; events seen {r['event_streams']['events']}",
        f"peak server RSS    {r['peak_rss_mib']:.1f} MiB (polled sum of VmRSS; sum of per-process "
        f"VmHWM {r['sum_vmhwm_mib']:.1f} MiB)",
        f"database           trips {r['database']['trips_by_status']}, postings "
        f"{r['database']['postings']:,}, points credited {r['database']['points_credited']:,}",
        f"server log         {r['server_log']['path']}: {r['server_log']['lines']} lines, "
        f"{r['server_log']['error_lines']} error lines",
    ]
    if r.get("pg_activity_during_ingest"):
        lines.append("pg activity        (non-idle backends on average, by statement and wait)")
        for a in r["pg_activity_during_ingest"][:8]:
            lines.append(f"  {a['avg_backends']:5.2f}  {a['wait']:<28} {a['query']}")
    if r.get("pg_table_scans_during_ingest"):
        lines.append(
            "pg table scans     (during ingest: seq scans, rows read by them, index scans)"
        )
        for t in r["pg_table_scans_during_ingest"][:6]:
            lines.append(
                f"  {t['table']:<20} seq_scan {t['seq_scan']:>7,}  seq_tup_read "
                f"{t['seq_tup_read']:>14,}  idx_scan {t['idx_scan']:>9,}  rows {t['rows_after']:,}"
            )
    for e in r.get("retry_samples", []):
        lines.append(f"  retried: {e}")
    for e in r["http_error_samples"]:
        lines.append(f"  http error: {e}")
    for e in r["server_log"]["first_errors"]:
        lines.append(f"  server log: {e}")
    return "\n".join(lines)


def _sigterm(_signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt  # unwinds through the finally blocks: server stopped, database dropped


def main(argv: list[str] | None = None) -> int:
    cfg = parse_args(argv)
    signal.signal(signal.SIGTERM, _sigterm)
    _self_check_signing()
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
        text = report(r)
        print("\n" + text, flush=True)
        (OUT / f"ingest-{name}.json").write_text(json.dumps(r, indent=2, ensure_ascii=False))
        log(f"figures written to bench/out/ingest-{name}.json")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
