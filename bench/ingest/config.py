"""The benchmark's paths, the fixed parameters it keeps clear of, and a run's configuration."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from datetime import timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
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
