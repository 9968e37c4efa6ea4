"""The drill's configuration: sizes, faults, and where its logs and figures go."""

from __future__ import annotations

from dataclasses import dataclass

from bench.ingest.config import OUT
from bench.ingest.config import Config as IngestConfig

DRILL_OUT = OUT / "drill"  # server-<life>.log per server life, redis.log, drill.json
WORKERS = 2  # more than one, so a kill has a whole tree to take down (and Redis is required)


@dataclass(frozen=True)
class Config:
    citizens: int
    trips: int
    batch: int
    clients: int
    kills: int
    redis_restarts: int
    redis_down_s: float
    setup_concurrency: int
    seed: int

    def for_ingest(self, redis_url: str) -> IngestConfig:
        """The bench.ingest configuration its setup and plan functions read."""
        return IngestConfig(
            backends=["pg"],
            trips=self.trips,
            citizens=self.citizens,
            batch=self.batch,
            clients=self.clients,
            sample=0,
            workers=WORKERS,
            setup_concurrency=self.setup_concurrency,
            redis_url=redis_url,
            redis_always=True,
            seed=self.seed,
        )
