"""The service's successive lives: `puhui serve` started, killed with SIGKILL (the whole process
tree: the supervisor and every worker), started again on the same port; a log file per life."""

from __future__ import annotations

import contextlib
import os
import signal
import time

from bench.drill.config import DRILL_OUT
from bench.ingest.server import Server, _proc_tree


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"  # a zombie holds no socket and no connection


class ServerLives:
    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.lives = 0
        self.server: Server | None = None
        self.start_s: list[float] = []  # from `puhui serve` to a healthy /health, per life
        self.killed: list[int] = []  # processes killed, per kill

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.env['PUHUI_PORT']}"

    @property
    def log_paths(self) -> list:
        return [DRILL_OUT / f"server-{n}.log" for n in range(1, self.lives + 1)]

    def start(self) -> None:
        self.lives += 1
        self.server = Server(self.env, DRILL_OUT / f"server-{self.lives}.log")
        t0 = time.perf_counter()
        self.server.start()
        self.start_s.append(time.perf_counter() - t0)

    def kill(self) -> int:
        """SIGKILL to every process of the tree and the session's group, at once; returns when
        none of them is left (so the next life cannot meet the last one's listener)."""
        server = self.server
        assert server is not None and server.proc is not None
        pids = _proc_tree(server.proc.pid)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.proc.pid, signal.SIGKILL)  # started in its own session
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        server.proc.wait(timeout=10)
        deadline = time.monotonic() + 10
        while any(_alive(p) for p in pids):
            if time.monotonic() > deadline:
                raise RuntimeError(f"processes {[p for p in pids if _alive(p)]} survived SIGKILL")
            time.sleep(0.02)
        with contextlib.suppress(Exception):
            server._log.close()  # Server.stop() would close it, but only for a live process
        self.killed.append(len(pids))
        return len(pids)

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
