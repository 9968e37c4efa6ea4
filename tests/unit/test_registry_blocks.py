"""Registry blocks: split at the tail, carve named serials, choose oldest first."""

from __future__ import annotations

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import Conflict, InvalidInput
from domain.registry.blocks import Take, carve, choose, split_tail
from domain.registry.serials import SerialRange
from tests.unit.registry import A, blk, iss, spans

# -- splitting ---------------------------------------------------------------------------------


def test_split_tail_takes_the_last_units_and_names_the_parent() -> None:
    kept, taken = split_tail(blk(1, 10, id="b1"), 3)
    assert kept is not None
    assert (spans([kept]), spans([taken])) == ([(1, 7)], [(8, 10)])
    assert kept.parent_id == taken.parent_id == "b1"
    assert kept.id is None and taken.id is None
    assert taken.account == A and taken.issuance == iss()


def test_split_tail_of_the_whole_block_moves_it_whole() -> None:
    block = blk(5, 9)
    assert split_tail(block, 5) == (None, block)


@pytest.mark.parametrize("quantity", [0, -1, True, 2.0, "1"])
def test_split_tail_wants_a_whole_positive_quantity(quantity: object) -> None:
    with pytest.raises(InvalidInput) as info:
        split_tail(blk(1, 10), quantity)  # type: ignore[arg-type]
    assert info.value.code == "invalid_quantity"


def test_split_tail_cannot_take_more_than_the_block() -> None:
    with pytest.raises(ValueError):
        split_tail(blk(1, 10), 11)


@given(st.integers(1, 500), st.integers(0, 500), st.data())
def test_split_tail_conserves_and_agrees_with_carve(
    size: int, offset: int, data: st.DataObject
) -> None:
    block = blk(offset + 1, offset + size)
    quantity = data.draw(st.integers(1, size))
    kept, taken = split_tail(block, quantity)
    assert taken.quantity == quantity
    assert (kept.quantity if kept else 0) + taken.quantity == size
    assert taken.end == block.end
    carved_kept, carved_taken = carve(block, [(block.end - quantity + 1, block.end)])
    assert spans(carved_taken) == spans([taken])
    assert spans(carved_kept) == spans([kept] if kept else [])


def test_carve_keeps_head_gaps_and_tail_and_merges_adjacent_takes() -> None:
    kept, taken = carve(blk(1, 20), [(12, 13), (3, 5), (6, 8)])
    assert spans(kept) == [(1, 2), (9, 11), (14, 20)]
    assert spans(taken) == [(3, 8), (12, 13)]
    with pytest.raises(ValueError):
        carve(blk(1, 20), [(3, 5), (5, 6)])
    with pytest.raises(ValueError):
        carve(blk(1, 20), [(18, 21)])


# -- choosing ----------------------------------------------------------------------------------


def test_choose_spends_oldest_vintage_then_issuance_then_serial() -> None:
    newer = blk(1, 10, i=iss(2025, 1), id="newer")
    old_second = blk(1, 4, i=iss(2023, 2), id="old-2")
    old_first_high = blk(50, 52, i=iss(2023, 1), id="old-1-high")
    old_first_low = blk(1, 3, i=iss(2023, 1), id="old-1-low")
    takes = choose([newer, old_second, old_first_high, old_first_low], 12)
    assert [(t.block.id, t.start, t.end) for t in takes] == [
        ("old-1-low", 1, 3),
        ("old-1-high", 50, 52),
        ("old-2", 1, 4),
        ("newer", 9, 10),  # the tail of the last block
    ]
    assert sum(t.quantity for t in takes) == 12


def test_choose_refuses_more_than_is_available() -> None:
    held = [blk(1, 5), msgspec.structs.replace(blk(6, 9), status="reserved")]
    with pytest.raises(Conflict) as info:
        choose(held, 6)
    assert info.value.code == "insufficient_units"
    assert info.value.extra == {"available": 5, "requested": 6}


def test_choose_named_serials_takes_exactly_those_even_across_blocks() -> None:
    held = [blk(1, 5, id="p"), blk(6, 10, id="q"), blk(1, 9, i=iss(2024, 2), id="r")]
    named = [
        SerialRange(issuance=iss(), start=4, end=7),
        SerialRange(issuance=iss(2024, 2), start=3, end=3),
    ]
    takes = choose(held, 5, serials=named)
    assert [(t.block.id, t.start, t.end) for t in takes] == [("p", 4, 5), ("q", 6, 7), ("r", 3, 3)]


@pytest.mark.parametrize(
    ("named", "quantity", "code"),
    [
        ([(4, 12)], 9, "serials_not_held"),  # 11 and 12 are not held
        ([(2, 3), (3, 4)], 4, "overlapping_serials"),
        ([(2, 3)], 3, "quantity_mismatch"),
    ],
)
def test_choose_named_serials_must_be_held_disjoint_and_add_up(
    named: list[tuple[int, int]], quantity: int, code: str
) -> None:
    ranges = [SerialRange(issuance=iss(), start=s, end=e) for s, e in named]
    with pytest.raises((Conflict, InvalidInput)) as info:
        choose([blk(1, 10)], quantity, serials=ranges)
    assert info.value.code == code


def test_named_serials_in_a_reserved_block_are_not_held() -> None:
    reserved = msgspec.structs.replace(blk(1, 10), status="reserved")
    with pytest.raises(Conflict) as info:
        choose([reserved], 2, serials=[SerialRange(issuance=iss(), start=1, end=2)])
    assert info.value.code == "serials_not_held"


def test_take_quantity() -> None:
    assert Take(block=blk(1, 10), start=3, end=7).quantity == 5
