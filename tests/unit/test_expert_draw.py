"""The panel draw and the majority rule, as pure functions."""

from __future__ import annotations

import random

import pytest

from domain.experts.draw import affiliated, draw, fresh_seed, qualified
from domain.experts.tally import counts, outcome

POOL = [f"E{i:02d}" for i in range(12)]


def test_the_same_seed_draws_the_same_panel_whatever_the_order_of_the_candidates() -> None:
    shuffled = POOL[:]
    random.Random(1).shuffle(shuffled)
    assert draw(POOL, "abc", 5) == draw(shuffled, "abc", 5)
    assert draw(POOL, "abc", 5) == random.Random("abc").sample(sorted(POOL), 5)


def test_different_seeds_draw_different_panels_and_never_twice_the_same_expert() -> None:
    panels = {tuple(draw(POOL, fresh_seed(), 5)) for _ in range(20)}
    assert len(panels) > 1
    assert all(len(set(p)) == 5 and set(p) <= set(POOL) for p in panels)


def test_a_panel_larger_than_the_candidates_is_refused() -> None:
    with pytest.raises(ValueError):
        draw(POOL[:2], "s", 3)


def test_affiliation_by_code_or_by_folded_name() -> None:
    uscc, name = "91110000600037341L", "Ｎａｎｊｉｎｇ  Green Co."
    assert affiliated([{"name": "other", "uscc": uscc.lower()}], uscc=uscc, name=name)
    assert affiliated([{"name": "nanjing green co."}], uscc=uscc, name=name)
    assert not affiliated([{"name": "Nanjing Blue Co."}], uscc=uscc, name=name)
    assert not affiliated([], uscc=uscc, name=name)


def test_qualification_by_field() -> None:
    assert qualified(["forestry", "transport"], "Transport")
    assert not qualified(["forestry"], "transport")
    assert qualified(["forestry"], None)


@pytest.mark.parametrize(
    ("votes", "size", "expected"),
    [
        (["approve", "approve", None], 3, "passed"),  # decided before the last vote
        (["reject", "reject", None, None, None], 5, None),  # two of five is no majority
        (["reject", "reject", "reject", None, None], 5, "rejected"),
        (["revise", "revise", None], 3, "revise"),
        (["approve", "reject", "revise"], 3, "revise"),  # all voted, no majority
        (["approve", "approve", "reject", "reject"], 4, "revise"),  # a tie
        (["approve", None, None], 3, None),
        (["approve"], 1, "passed"),
    ],
)
def test_the_majority_decides(votes, size, expected) -> None:
    assert outcome(votes, size) == expected


def test_counts_show_every_choice() -> None:
    assert counts(["approve", None, "approve"]) == {"approve": 2, "reject": 0, "revise": 0}
