"""The trip plan: journeys generated per citizen (metro hours, never overlapping, within the daily
caps), shuffled, the sampled citizens' trips placed mid-run, encoded into hashed batches."""

from __future__ import annotations

import bisect
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bench.ingest.config import (
    DAILY_POINTS_BUDGET,
    FIRST_HOUR,
    LAST_HOUR,
    MAX_SPEED_M_PER_S,
    MAX_TRIPS_PER_DAY,
    METRO_NET_G_PER_KM,
    MIN_DISTANCE_M,
    SHANGHAI,
    Config,
)
from bench.ingest.signing import body_sha, dumps


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
