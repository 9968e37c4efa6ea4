"""The drill's verdict: the replay check, `puhui verify`, and everything that must hold for the
run to pass (nothing lost or doubled, every check passed, every planned fault struck)."""

from __future__ import annotations

from dataclasses import dataclass

from bench.drill.accounting import Accounting
from bench.drill.balances import Check
from bench.drill.config import Config
from bench.drill.faults import FaultController
from bench.drill.lives import ServerLives
from bench.drill.sends import SendBook
from bench.ingest.server import puhui


def replay_check(replay: SendBook, postings_before: int, postings_after: int) -> Check:
    """Every batch sent once more after the load: each record a duplicate, no posting added."""
    statuses = dict(replay.summary)
    ok = (
        not replay.given_up
        and not replay.problems
        and set(statuses) <= {"duplicate"}
        and postings_before == postings_after
    )
    return Check(
        "replays credit nothing",
        ok,
        f"{len(replay.answered)}/{len(replay.batches)} batches answered: {statuses}; postings "
        f"{postings_before:,} -> {postings_after:,}",
    )


def verify_check(env: dict[str, str]) -> Check:
    try:
        out = puhui(env, "verify")
    except RuntimeError as exc:
        return Check("puhui verify", False, str(exc).strip().replace("\n", " | ")[:600])
    return Check("puhui verify", True, out.strip().replace("\n", " | "))


@dataclass
class Figures:
    cfg: Config
    batches: int
    book: SendBook
    replay: SendBook
    controller: FaultController
    lives: ServerLives
    accounting: Accounting
    checks: list[Check]

    def failures(self) -> list[str]:
        out = []
        a, c = self.accounting, self.controller
        if a.lost:
            out.append(f"{len(a.lost)} trips lost")
        if a.doubled:
            out.append(f"{len(a.doubled)} trips doubled")
        if a.wrong or a.strays or a.unanswered:
            out.append(
                f"{len(a.wrong)} inconsistent, {len(a.strays)} strays, "
                f"{len(a.unanswered)} never answered"
            )
        if self.book.given_up or self.book.problems:
            out.append(
                f"{len(self.book.given_up)} batches given up, {len(self.book.problems)} "
                "answers that do not fit their batch"
            )
        if c.kills < self.cfg.kills or c.redis_restarts < self.cfg.redis_restarts:
            out.append(
                f"faults struck: {c.kills}/{self.cfg.kills} kills, "
                f"{c.redis_restarts}/{self.cfg.redis_restarts} Redis restarts"
            )
        out.extend(f"check failed: {k.name}" for k in self.checks if not k.ok)
        return out

    @property
    def ok(self) -> bool:
        return not self.failures()
