"""The kill schedule: when, in the course of the load, each fault strikes.

A fault is due once a given fraction of the batches has been answered (so every fault lands
while traffic flows, however fast or slow the machine) and the service answered again since the
last one. After a random pause, once batches of the plan are in flight, it strikes a random
moment later (up to 0.2 s, about a batch's time in the service: the blow lands anywhere in their
passes, not at a batch edge). The window ends at 75 % so that faults delayed by slow restarts
still find traffic to hit.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

KILL = "kill-server"
REDIS = "restart-redis"


@dataclass(frozen=True)
class Fault:
    kind: str  # KILL | REDIS
    after: float  # due once this fraction of the batches has been answered
    pause_s: float  # then waits this long, and until batches of the plan are in flight
    strike_s: float  # and strikes this long after that


def make_schedule(
    rng: random.Random,
    kills: int,
    redis_restarts: int,
    lo: float = 0.05,
    hi: float = 0.75,
    min_gap: float = 0.02,
    max_pause_s: float = 0.5,
    max_strike_s: float = 0.2,
) -> list[Fault]:
    """`kills` server kills and `redis_restarts` Redis restarts in a random order, due at random
    fractions in [lo, hi], at least `min_gap` apart, in the order they strike."""
    n = kills + redis_restarts
    if n == 0:
        return []
    slack = (hi - lo) - (n - 1) * min_gap
    if not 0 <= lo < hi <= 1 or slack < 0:
        raise ValueError(f"{n} faults do not fit in [{lo}, {hi}] at least {min_gap} apart")
    # n sorted uniform points in [0, slack], then spread by the gap: uniform among the spaced sets
    points = sorted(rng.uniform(0, slack) for _ in range(n))
    kinds = [KILL] * kills + [REDIS] * redis_restarts
    rng.shuffle(kinds)
    return [
        Fault(
            kind,
            round(lo + p + i * min_gap, 6),
            round(rng.uniform(0, max_pause_s), 3),
            round(rng.uniform(0, max_strike_s), 3),
        )
        for i, (kind, p) in enumerate(zip(kinds, points, strict=True))
    ]


def answers_between(batches: int) -> int:
    """Answers the service must give, back from one fault, before the next may strike."""
    return max(1, batches // 100)


def plan_ceiling(after: float, batches: int, sent: int, clients: int) -> int:
    """How many of the plan's batches may have gone out while a fault due at `after` waits: two
    rounds of the clients beyond its due point, and at least one round beyond what went out
    already (a fault overdue after a slow restart still meets fresh batches). Holding the rest
    back keeps the plan from being answered long before the last faults struck."""
    due = math.ceil(after * batches) + answers_between(batches)
    return min(batches, max(due + 2 * clients, sent + clients))


def describe(schedule: list[Fault]) -> str:
    return ", ".join(
        f"{f.kind} at {f.after:.0%}+{f.pause_s:.2f}+{f.strike_s:.2f}s" for f in schedule
    )
