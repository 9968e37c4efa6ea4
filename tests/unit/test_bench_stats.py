"""The ingest benchmark's pure parts: its percentiles and the invariants of its trip plan."""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest

from bench.ingest.config import FIRST_HOUR, LAST_HOUR, MAX_TRIPS_PER_DAY, SHANGHAI, Config
from bench.ingest.plan import make_plan
from bench.ingest.stats import dist_summary, pct


def test_pct_is_nearest_rank() -> None:
    values = [float(v) for v in range(10, 0, -1)]  # 10..1, unsorted on purpose
    assert pct(values, 50) == 5
    assert pct(values, 51) == 6
    assert pct(values, 99) == 10
    assert pct(values, 100) == 10
    assert pct(values, 0) == 1  # rank never below 1
    assert pct([7.0], 99) == 7
    assert pct([], 50) is None
    assert values == [float(v) for v in range(10, 0, -1)]  # the input is not sorted in place


def test_dist_summary_rounds_and_handles_empty() -> None:
    assert dist_summary([1.04, 2.06, 3.0]) == {"n": 3, "p50": 2.1, "p99": 3.0, "max": 3.0}
    assert dist_summary([]) == {"n": 0, "p50": None, "p99": None, "max": None}


def _config(seed: int) -> Config:
    return Config(
        backends=["sqlite"],
        trips=200,
        citizens=12,
        batch=7,
        clients=1,
        sample=3,
        workers=None,
        setup_concurrency=1,
        redis_url=None,
        redis_always=False,
        seed=seed,
    )


@pytest.mark.parametrize("seed", [1, 20261125])
def test_plan_invariants(seed: int) -> None:
    cfg = _config(seed)
    sample_idx = [2, 5, 9]
    citizen_ids = [f"citizen-{i}" for i in range(cfg.citizens)]
    before = datetime.now(UTC)
    plan = make_plan(cfg, "r1", sample_idx, citizen_ids)

    trips, owners = [], Counter()
    for body, sha, who in plan.batches:
        assert hashlib.sha256(body).hexdigest() == sha
        chunk = json.loads(body)["trips"]
        assert 1 <= len(chunk) <= cfg.batch
        trips.extend(chunk)
        owners.update(who)
    assert plan.trips == len(trips) == cfg.trips
    assert len(plan.batches) == -(-cfg.trips // cfg.batch)

    ids = [t["external_trip_id"] for t in trips]
    assert len(set(ids)) == len(ids)

    by_account = defaultdict(list)
    for t in trips:
        entry = datetime.fromisoformat(t["entry_time"])
        exit_ = datetime.fromisoformat(t["exit_time"])
        assert t["entry_station"] != t["exit_station"]
        assert timedelta(minutes=10) <= exit_ - entry <= timedelta(minutes=40)
        assert before - timedelta(days=6) <= entry and exit_ <= before
        assert FIRST_HOUR <= entry.astimezone(SHANGHAI).hour < LAST_HOUR
        by_account[t["external_account"]].append((entry, exit_))
    assert len(by_account) == cfg.citizens  # every citizen has a trip

    for spans in by_account.values():
        spans.sort()
        for (_, end), (start, _) in pairwise(spans):
            assert end <= start, "two trips of one citizen overlap"
        per_day = Counter(entry.astimezone(SHANGHAI).date() for entry, _ in spans)
        assert max(per_day.values()) <= MAX_TRIPS_PER_DAY
    assert plan.max_per_day <= MAX_TRIPS_PER_DAY

    # each sampled citizen has exactly one trip, in a batch the plan points out
    assert owners == Counter(citizen_ids[i] for i in sample_idx)
    sampled_accounts = [f"acct-r1-{i:06d}" for i in sample_idx]
    assert all(len(by_account[a]) == 1 for a in sampled_accounts)
    assert plan.sample_batches == sorted({i for i, (_, _, who) in enumerate(plan.batches) if who})
