"""The service under test: `puhui` commands, `puhui serve` started and stopped, its process tree's
memory polled, and CPU seconds per phase (server, this process, PostgreSQL)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import threading
import time
from collections import defaultdict
from pathlib import Path

import httpx

from bench.ingest.config import BIN, ROOT
from bench.ingest.report import log


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
            "PUHUI_CITIZEN_AUTH_RATE_LIMIT_PER_MINUTE": "1000000",  # every citizen from 127.0.0.1
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
