"""The fault drill's kill schedule: how many faults, of which kind, when in the load."""

from __future__ import annotations

import itertools
import random

import pytest

from bench.drill.schedule import KILL, REDIS, answers_between, make_schedule, plan_ceiling


@pytest.mark.parametrize("seed", [1, 2, 20261201])
def test_every_fault_is_scheduled_once_in_the_window_spaced_and_in_order(seed: int) -> None:
    s = make_schedule(random.Random(seed), kills=6, redis_restarts=2, lo=0.05, hi=0.85)
    assert [f.kind for f in s].count(KILL) == 6
    assert [f.kind for f in s].count(REDIS) == 2
    afters = [f.after for f in s]
    assert afters == sorted(afters)
    assert afters[0] >= 0.05 and afters[-1] <= 0.85 + 1e-9
    assert all(b - a >= 0.02 - 1e-9 for a, b in itertools.pairwise(afters))
    assert all(0 <= f.pause_s <= 0.5 and 0 <= f.strike_s <= 0.2 for f in s)
    assert len({f.pause_s for f in s}) > 1 and len({f.strike_s for f in s}) > 1


def test_the_same_seed_gives_the_same_schedule_and_another_seed_another() -> None:
    a = make_schedule(random.Random(7), 5, 1)
    assert a == make_schedule(random.Random(7), 5, 1)
    assert a != make_schedule(random.Random(8), 5, 1)


def test_moments_are_random_across_the_window_not_fixed_slots() -> None:
    firsts = {make_schedule(random.Random(seed), 5, 1)[0].after for seed in range(50)}
    assert len(firsts) == 50
    lasts = [make_schedule(random.Random(seed), 5, 1)[-1].after for seed in range(200)]
    assert min(lasts) < 0.55 < 0.7 < max(lasts)  # the last is not pinned to the window's end


def test_the_order_of_kinds_varies_between_seeds() -> None:
    orders = {tuple(f.kind for f in make_schedule(random.Random(s), 5, 1)) for s in range(40)}
    assert len(orders) > 3


def test_no_faults_is_an_empty_schedule_and_too_many_do_not_fit() -> None:
    assert make_schedule(random.Random(1), 0, 0) == []
    with pytest.raises(ValueError, match="do not fit"):
        make_schedule(random.Random(1), 40, 2, lo=0.05, hi=0.85, min_gap=0.02)


def test_a_fault_waits_for_one_answer_in_a_hundred_batches_and_at_least_one() -> None:
    assert [answers_between(n) for n in (1, 99, 100, 360)] == [1, 1, 1, 3]


def test_the_plan_is_let_out_two_rounds_of_clients_beyond_the_next_fault() -> None:
    # due at 30 % of 120 batches: 36, plus one answer, plus 2 x 8 clients
    assert plan_ceiling(0.30, 120, sent=10, clients=8) == 53
    assert plan_ceiling(0.30, 120, sent=50, clients=8) == 58  # overdue: one round beyond sent
    assert plan_ceiling(0.74, 120, sent=100, clients=8) == 108
    assert plan_ceiling(0.95, 120, sent=118, clients=8) == 120  # never beyond the plan
