"""The plan of batches: bench.ingest's journeys (within the caps, never overlapping per citizen),
each batch with the external trip ids it carries, so that what was sent can be accounted for."""

from __future__ import annotations

import json
from dataclasses import dataclass

from bench.ingest.config import Config as IngestConfig
from bench.ingest.plan import Plan, make_plan


@dataclass(frozen=True)
class Batch:
    index: int
    body: bytes
    sha: str  # sha256 hex of the body, for the signature
    trip_ids: tuple[str, ...]  # external trip ids, in the body's order


def batches_of(plan: Plan) -> list[Batch]:
    """The plan's batches with the trip ids each one carries; every trip in exactly one batch."""
    out = []
    seen: set[str] = set()
    for i, (body, sha, _) in enumerate(plan.batches):
        ids = tuple(t["external_trip_id"] for t in json.loads(body)["trips"])
        if seen.intersection(ids) or len(set(ids)) != len(ids):
            raise ValueError(f"batch {i} repeats a trip id of the plan")
        seen.update(ids)
        out.append(Batch(i, body, sha, ids))
    if len(seen) != plan.trips:
        raise ValueError(f"the plan has {plan.trips} trips but its batches carry {len(seen)}")
    return out


def make_batches(cfg: IngestConfig, run: str, citizen_ids: list[str]) -> list[Batch]:
    """cfg.trips journeys of cfg.citizens linked citizens, in batches of cfg.batch."""
    return batches_of(make_plan(cfg, run, [], citizen_ids))


def sent_trip_ids(batches: list[Batch]) -> list[str]:
    return [t for b in batches for t in b.trip_ids]
