"""The fault drill's plan of batches: every journey of bench.ingest's plan in exactly one batch,
each batch knowing the trip ids it carries."""

from __future__ import annotations

import json

import pytest

from bench.drill.batches import Batch, batches_of, make_batches, sent_trip_ids
from bench.drill.config import Config
from bench.ingest.plan import Plan
from bench.ingest.signing import body_sha, dumps


def _cfg(citizens: int, trips: int, batch: int) -> Config:
    return Config(
        citizens=citizens,
        trips=trips,
        batch=batch,
        clients=4,
        kills=5,
        redis_restarts=1,
        redis_down_s=1.0,
        setup_concurrency=4,
        seed=11,
    )


def _plan(*chunks: list[str]) -> Plan:
    batches = []
    for ids in chunks:
        body = dumps({"trips": [{"external_trip_id": t} for t in ids]})
        batches.append((body, body_sha(body), []))
    n = sum(len(c) for c in chunks)
    return Plan(batches=batches, trips=n, sample_batches=[], max_per_day=1, encode_s=0.0)


def test_batches_carry_the_trip_ids_of_their_bodies_in_order() -> None:
    out = batches_of(_plan(["a", "b"], ["c"]))
    assert out == [
        Batch(0, out[0].body, body_sha(out[0].body), ("a", "b")),
        Batch(1, out[1].body, body_sha(out[1].body), ("c",)),
    ]
    assert sent_trip_ids(out) == ["a", "b", "c"]


@pytest.mark.parametrize("chunks", [(["a", "b"], ["b"]), (["a", "a"],)])
def test_a_trip_in_two_places_of_the_plan_is_refused(chunks: tuple[list[str], ...]) -> None:
    with pytest.raises(ValueError, match="repeats"):
        batches_of(_plan(*chunks))


def test_a_plan_whose_count_disagrees_with_its_batches_is_refused() -> None:
    plan = _plan(["a"], ["b"])
    plan.trips = 3
    with pytest.raises(ValueError, match="carry 2"):
        batches_of(plan)


def test_the_drill_plan_sends_every_trip_of_every_citizen_once_in_signed_batches() -> None:
    cfg = _cfg(citizens=20, trips=700, batch=64)
    citizens = [f"c{i}" for i in range(20)]
    out = make_batches(cfg.for_ingest("redis://127.0.0.1:1/0"), "run1", citizens)
    assert [b.index for b in out] == list(range(11))  # ceil(700 / 64)
    assert [len(b.trip_ids) for b in out] == [64] * 10 + [60]
    ids = sent_trip_ids(out)
    assert len(ids) == len(set(ids)) == 700
    accounts = set()
    for b in out:
        assert b.sha == body_sha(b.body)
        trips = json.loads(b.body)["trips"]
        assert tuple(t["external_trip_id"] for t in trips) == b.trip_ids
        accounts.update(t["external_account"] for t in trips)
    assert accounts == {f"acct-run1-{i:06d}" for i in range(20)}  # the linked accounts only
