"""Registry movements: issuance, transfers, retirements (domain/registry/movements.py)."""

from __future__ import annotations

import pytest

from domain.errors import Conflict, InvalidInput
from domain.registry.movements import (
    complete_retirement,
    issue,
    release_retirement,
    retire,
    transfer,
)
from domain.registry.serials import SerialRange
from tests.unit.registry import RETIREMENT, A, B, C, blk, ids, iss, spans

# -- movements --------------------------------------------------------------------------------


def test_issue_makes_one_block_numbered_from_one() -> None:
    block = issue(iss(2024, 3), 250, to=A, new_id=ids())
    assert (block.start, block.end, block.account, block.status, block.id) == (
        1,
        250,
        A,
        "active",
        "b1",
    )
    assert block.parent_id is None


def test_transfer_closes_moves_the_tail_and_keeps_the_rest() -> None:
    held = [blk(1, 10, i=iss(2023), id="old"), blk(1, 10, i=iss(2024), id="new")]
    plan = transfer(held, 13, sender=A, to=B, new_id=ids("n"))
    assert [b.id for b in plan.closed] == ["old", "new"]
    assert [(b.label, b.account, b.status, b.parent_id) for b in plan.received] == [
        ("NJ-I-2023-NJGT-1-1-10", B, "active", "old"),
        ("NJ-I-2024-NJGT-1-8-10", B, "active", "new"),
    ]
    assert [(b.label, b.account, b.parent_id) for b in plan.kept] == [
        ("NJ-I-2024-NJGT-1-1-7", A, "new")
    ]
    assert plan.quantity == 13
    assert plan.serial_ranges == ["NJ-I-2023-NJGT-1-1-10", "NJ-I-2024-NJGT-1-8-10"]
    assert len({b.id for b in plan.received + plan.kept}) == 3  # all new ids


def test_transfer_spends_class_i_even_when_class_ii_is_older() -> None:
    held = [blk(1, 10, i=iss(2020, cls="II"), id="ii"), blk(1, 10, i=iss(2024), id="i")]
    plan = transfer(held, 4, sender=A, to=B, new_id=ids())
    assert [b.id for b in plan.closed] == ["i"]


def test_transfer_refuses_class_ii_units_to_another_organisation() -> None:
    class_ii = iss(2024, cls="II")
    held = [blk(1, 10, i=class_ii), blk(1, 3, i=iss(2024, 2))]
    with pytest.raises(Conflict) as info:
        transfer(
            held, 4, sender=A, to=B
        )  # 3 Class I units are not enough; the Class II ones cannot go
    assert info.value.code == "class_ii_not_tradable"
    with pytest.raises(Conflict) as info:
        transfer(held, 1, sender=A, to=B, serials=[SerialRange(issuance=class_ii, start=1, end=1)])
    assert info.value.code == "class_ii_not_tradable"
    with pytest.raises(Conflict) as info:
        transfer(held, 14, sender=A, to=B)  # more than held at all
    assert info.value.code == "insufficient_units"
    plan = transfer(held, 12, sender=A, to="org:a:buffer", within_owner=True, new_id=ids())
    assert plan.quantity == 12


def test_transfer_to_the_same_account_is_refused() -> None:
    with pytest.raises(InvalidInput) as info:
        transfer([blk(1, 10)], 1, sender=A, to=A)
    assert info.value.code == "same_account"


def test_holdings_must_be_one_accounts() -> None:
    with pytest.raises(ValueError):
        transfer([blk(1, 10), blk(11, 12, account=B)], 1, sender=A, to=C)


def test_class_ii_units_can_be_retired() -> None:
    held = [blk(1, 10, i=iss(2024, cls="II"), id="ii")]
    plan = retire(held, 10, sender=A, to=RETIREMENT, new_id=ids())
    assert [(b.label, b.account, b.status) for b in plan.received] == [
        ("NJ-II-2024-NJGT-1-1-10", RETIREMENT, "retired")
    ]
    assert plan.kept == ()


def test_retire_named_serials_from_the_middle_of_a_block() -> None:
    plan = retire(
        [blk(1, 10, id="b")],
        3,
        sender=A,
        to=RETIREMENT,
        serials=[SerialRange(issuance=iss(), start=4, end=6)],
        new_id=ids(),
    )
    assert spans(plan.received) == [(4, 6)]
    assert spans(plan.kept) == [(1, 3), (7, 10)]


def test_a_pending_retirement_reserves_then_completes_or_releases() -> None:
    plan = retire([blk(1, 10, id="b")], 4, sender=A, to=RETIREMENT, pending=True, new_id=ids("r"))
    reserved = list(plan.received)
    assert [(b.status, b.account) for b in reserved] == [("reserved", RETIREMENT)]
    with pytest.raises(Conflict):  # reserved units are not available to anyone
        retire(reserved, 1, sender=RETIREMENT, to="sys:other")
    done = complete_retirement(reserved, new_id=ids("d"))
    assert [(b.label, b.status, b.parent_id) for b in done.received] == [
        ("NJ-I-2024-NJGT-1-7-10", "retired", "r2")
    ]
    back = release_retirement(reserved, to=A, new_id=ids("k"))
    assert [(b.status, b.account) for b in back.received] == [("active", A)]
    with pytest.raises(Conflict) as info:
        complete_retirement(done.received)
    assert info.value.code == "not_reserved"


def test_retired_units_never_move_again() -> None:
    retired = retire([blk(1, 10)], 10, sender=A, to=RETIREMENT, new_id=ids()).received
    for attempt in (
        lambda: transfer(retired, 1, sender=RETIREMENT, to=A),
        lambda: retire(retired, 1, sender=RETIREMENT, to="sys:other"),
        lambda: transfer(retired, 10, sender=RETIREMENT, to=A, serials=[retired[0].serials]),
    ):
        with pytest.raises(Conflict) as info:
            attempt()
        assert info.value.code in {"insufficient_units", "serials_not_held"}
