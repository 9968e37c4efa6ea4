"""Serial blocks: labels, tail splits, spending order, transfers and retirements (pure)."""

from __future__ import annotations

from collections import defaultdict
from itertools import count, pairwise

import msgspec
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from domain.errors import Conflict, InvalidInput
from domain.registry.blocks import Block, Take, carve, choose, split_tail
from domain.registry.movements import (
    Movement,
    complete_retirement,
    issue,
    release_retirement,
    retire,
    transfer,
)
from domain.registry.serials import Issuance, SerialRange, parse_serial, serial_label, unit_label

A, B, C = "org:a", "org:b", "org:c"
RETIREMENT = "sys:retirement"


def ids(prefix: str = "b"):
    counter = count(1)
    return lambda: f"{prefix}{next(counter)}"


def iss(vintage: int = 2024, no: int = 1, project: str = "NJGT", cls: str = "I") -> Issuance:
    return Issuance(vintage=vintage, issuance_no=no, project_code=project, unit_class=cls)  # type: ignore[arg-type]


def blk(
    start: int, end: int, *, i: Issuance | None = None, account: str = A, id: str = "x"
) -> Block:
    return Block(issuance=i or iss(), start=start, end=end, account=account, id=id)


def spans(blocks) -> list[tuple[int, int]]:
    return [(b.start, b.end) for b in blocks]


# -- serials ---------------------------------------------------------------------------------


def test_labels_follow_the_registry_format() -> None:
    block = blk(1, 250, i=iss(2024, 3, "NJGT", "I"))
    assert serial_label(block) == block.label == "NJ-I-2024-NJGT-3-1-250"
    assert serial_label(blk(7, 7, i=iss(2023, 1, "P0042", "II"))) == "NJ-II-2023-P0042-1-7-7"
    assert unit_label(iss(2023, 1, "P0042", "II"), 7) == "NJ-II-2023-P0042-1-7"


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("NJ-I-2024-NJGT-3-1-250", 1, 250),
        ("NJ-I-2024-NJGT-3-17", 17, 17),
        (" nj-i-2024-njgt-3-5-9", 5, 9),
    ],
)
def test_parse_serial_reads_blocks_and_single_units(text: str, start: int, end: int) -> None:
    assert parse_serial(text) == SerialRange(issuance=iss(2024, 3), start=start, end=end)


def test_parse_serial_reads_class_ii_and_round_trips() -> None:
    label = "NJ-II-2031-P7-12-100-199"
    parsed = parse_serial(label)
    assert parsed.issuance == iss(2031, 12, "P7", "II")
    assert serial_label(parsed) == label


@pytest.mark.parametrize(
    "text",
    [
        "",
        "NJ-III-2024-NJGT-3-1-2",
        "NJ-I-24-NJGT-3-1-2",
        "NJ-I-2024-NJ-GT-3-1-2-5",
        "NJ-I-2024-NJGT-0-1-2",
        "NJ-I-2024-NJGT-3-0-2",
        "NJ-I-2024-NJGT-3-9-2",
        "SH-I-2024-NJGT-3-1-2",
        "NJ-I-2024-NJGT-3-1-2-3",
    ],
)
def test_parse_serial_refuses_anything_else(text: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_serial(text)
    assert info.value.code == "invalid_serial"


def test_issuances_and_ranges_refuse_impossible_values() -> None:
    for bad in ({"project": "NJ-GT"}, {"project": ""}, {"cls": "III"}, {"vintage": 24}, {"no": 0}):
        with pytest.raises((ValueError, msgspec.ValidationError)):
            iss(**bad)  # type: ignore[arg-type]
    for start, end in ((0, 3), (5, 4), (True, 3)):
        with pytest.raises(ValueError):
            blk(start, end)


def test_issuances_order_oldest_vintage_first() -> None:
    assert sorted([iss(2025, 1), iss(2023, 9), iss(2023, 2)]) == [
        iss(2023, 2),
        iss(2023, 9),
        iss(2025, 1),
    ]


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


# -- the property: random issuances, transfers and retirements -----------------------------------

ORGS = (A, B, C)


class Registry(RuleBasedStateMachine):
    """Plans applied the way the database layer will: close, then insert kept and received."""

    def __init__(self) -> None:
        super().__init__()
        self.new_id = ids()
        self.open: dict[str, Block] = {}
        self.ever: dict[str, Block] = {}
        self.closed: set[str] = set()
        self.issued: dict[Issuance, int] = {}
        self.retired: dict[str, Block] = {}
        self.pending: list[tuple[str, list[Block]]] = []  # (sender, reserved blocks)
        self.next_no: dict[str, int] = defaultdict(int)

    def holdings(self, account: str) -> list[Block]:
        return [b for b in self.open.values() if b.account == account]

    def available(self, account: str, cls: str | None = None) -> int:
        return sum(
            b.quantity
            for b in self.holdings(account)
            if b.status == "active" and cls in (None, b.issuance.unit_class)
        )

    def apply(self, plan: Movement) -> None:
        event(f"applied: {plan.received[0].status} blocks, {len(plan.kept)} remainders")
        for block in plan.closed:
            assert block.id in self.open and self.open[block.id] == block
            assert block.status != "retired"
        for block in plan.closed:
            del self.open[block.id]
            self.closed.add(block.id)
            children = sorted(
                (b for b in plan.kept + plan.received if b.parent_id == block.id),
                key=lambda b: b.start,
            )
            # the children tile the parent exactly: same issuance, no gap, no overlap
            assert children and all(c.issuance == block.issuance for c in children)
            assert children[0].start == block.start and children[-1].end == block.end
            assert all(x.end + 1 == y.start for x, y in pairwise(children))
        for block in plan.kept + plan.received:
            assert block.id not in self.ever
            assert block.parent_id in {b.id for b in plan.closed}
            self.open[block.id] = self.ever[block.id] = block
            if block.status == "retired":
                self.retired[block.id] = block

    @rule(
        account=st.sampled_from(ORGS),
        project=st.sampled_from(["P1", "P2"]),
        cls=st.sampled_from(["I", "II"]),
        vintage=st.integers(2020, 2025),
        quantity=st.integers(1, 40),
    )
    def issue(self, account: str, project: str, cls: str, vintage: int, quantity: int) -> None:
        self.next_no[project] += 1
        issuance = Issuance(
            vintage=vintage, issuance_no=self.next_no[project], project_code=project, unit_class=cls
        )  # type: ignore[arg-type]
        block = issue(issuance, quantity, to=account, new_id=self.new_id)
        self.open[block.id] = self.ever[block.id] = block
        self.issued[issuance] = quantity

    @rule(sender=st.sampled_from(ORGS), receiver=st.sampled_from(ORGS), quantity=st.integers(1, 60))
    def transfer_oldest_first(self, sender: str, receiver: str, quantity: int) -> None:
        held = self.holdings(sender)
        if sender == receiver:
            with pytest.raises(InvalidInput):
                transfer(held, quantity, sender=sender, to=receiver)
            return
        class_i, total = self.available(sender, "I"), self.available(sender)
        if quantity > class_i:
            with pytest.raises(Conflict) as info:
                transfer(held, quantity, sender=sender, to=receiver)
            expected = "class_ii_not_tradable" if quantity <= total else "insufficient_units"
            event(f"transfer refused: {expected}")
            assert info.value.code == expected
            return
        plan = transfer(held, quantity, sender=sender, to=receiver, new_id=self.new_id)
        assert plan.quantity == quantity
        assert all(b.issuance.unit_class == "I" for b in plan.received)
        self.apply(plan)
        assert self.available(sender, "I") == class_i - quantity

    @precondition(lambda self: any(b.status == "active" for b in self.open.values()))
    @rule(data=st.data(), receiver=st.sampled_from((*ORGS, RETIREMENT)))
    def move_named_serials(self, data: st.DataObject, receiver: str) -> None:
        active = sorted((b for b in self.open.values() if b.status == "active"), key=lambda b: b.id)
        block = data.draw(st.sampled_from(active))
        start = data.draw(st.integers(block.start, block.end))
        end = data.draw(st.integers(start, block.end))
        named = [SerialRange(issuance=block.issuance, start=start, end=end)]
        held, quantity = self.holdings(block.account), end - start + 1
        if receiver == block.account:
            return
        if receiver == RETIREMENT:
            plan = retire(
                held, quantity, sender=block.account, to=receiver, serials=named, new_id=self.new_id
            )
        elif block.issuance.unit_class == "II":
            with pytest.raises(Conflict) as info:
                transfer(held, quantity, sender=block.account, to=receiver, serials=named)
            assert info.value.code == "class_ii_not_tradable"
            return
        else:
            plan = transfer(
                held, quantity, sender=block.account, to=receiver, serials=named, new_id=self.new_id
            )
        assert [(b.start, b.end) for b in plan.received] == [(start, end)]
        self.apply(plan)

    @rule(sender=st.sampled_from(ORGS), quantity=st.integers(1, 60), pending=st.booleans())
    def retire_oldest_first(self, sender: str, quantity: int, pending: bool) -> None:
        held, available = self.holdings(sender), self.available(sender)
        if quantity > available:
            with pytest.raises(Conflict) as info:
                retire(held, quantity, sender=sender, to=RETIREMENT, pending=pending)
            assert info.value.code == "insufficient_units"
            return
        plan = retire(
            held, quantity, sender=sender, to=RETIREMENT, pending=pending, new_id=self.new_id
        )
        self.apply(plan)
        if pending:
            self.pending.append((sender, list(plan.received)))

    @precondition(lambda self: self.pending)
    @rule(data=st.data(), complete=st.booleans())
    def end_a_pending_retirement(self, data: st.DataObject, complete: bool) -> None:
        sender, reserved = self.pending.pop(data.draw(st.integers(0, len(self.pending) - 1)))
        if complete:
            plan = complete_retirement(reserved, new_id=self.new_id)
        else:
            plan = release_retirement(reserved, to=sender, new_id=self.new_id)
        self.apply(plan)

    @precondition(lambda self: self.retired or self.pending)
    @rule(data=st.data(), receiver=st.sampled_from(ORGS))
    def try_to_move_retired_or_reserved_units(self, data: st.DataObject, receiver: str) -> None:
        pool = sorted(
            [*self.retired.values(), *(b for _, r in self.pending for b in r)], key=lambda b: b.id
        )
        block = data.draw(st.sampled_from(pool))
        held = self.holdings(RETIREMENT)
        for attempt in (
            lambda: transfer(held, 1, sender=RETIREMENT, to=receiver, within_owner=True),
            lambda: retire(held, 1, sender=RETIREMENT, to="sys:elsewhere"),
            lambda: transfer(
                held,
                block.quantity,
                sender=RETIREMENT,
                to=receiver,
                serials=[block.serials],
                within_owner=True,
            ),
        ):
            with pytest.raises(Conflict):
                attempt()

    @invariant()
    def every_serial_is_in_exactly_one_open_block(self) -> None:
        by_issuance: dict[Issuance, list[Block]] = defaultdict(list)
        for block in self.open.values():
            by_issuance[block.issuance].append(block)
        assert set(by_issuance) == set(self.issued)
        for issuance, blocks in by_issuance.items():
            blocks.sort(key=lambda b: b.start)
            assert blocks[0].start == 1 and blocks[-1].end == self.issued[issuance]
            assert all(x.end + 1 == y.start for x, y in pairwise(blocks))
            assert sum(b.quantity for b in blocks) == self.issued[issuance]

    @invariant()
    def retired_units_stay_where_they_were_retired(self) -> None:
        for block_id, block in self.retired.items():
            assert self.open.get(block_id) == block
            assert block.account == RETIREMENT and block_id not in self.closed

    @invariant()
    def every_open_block_replays_to_its_issuance(self) -> None:
        for block in self.open.values():
            node = block
            while node.parent_id is not None:
                parent = self.ever[node.parent_id]
                assert parent.id in self.closed
                assert parent.start <= node.start <= node.end <= parent.end
                node = parent
            assert node.start == 1 and node.end == self.issued[node.issuance]


TestRegistry = Registry.TestCase
TestRegistry.settings = settings(max_examples=150, stateful_step_count=40, deadline=None)


def test_take_quantity() -> None:
    assert Take(block=blk(1, 10), start=3, end=7).quantity == 5
