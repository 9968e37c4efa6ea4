"""The registry's property: random issuances, transfers and retirements keep every serial in
exactly one open block and conserve every issuance's total."""

from __future__ import annotations

from collections import defaultdict
from itertools import pairwise

import pytest
from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from domain.errors import Conflict, InvalidInput
from domain.registry.blocks import Block
from domain.registry.movements import (
    Movement,
    complete_retirement,
    issue,
    release_retirement,
    retire,
    transfer,
)
from domain.registry.serials import Issuance, SerialRange
from tests.unit.registry import RETIREMENT, A, B, C, ids

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
