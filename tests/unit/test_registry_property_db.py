"""Random sequences of issuances, transfers, retirements (final or pending) and the end of
pending ones, through the use cases against the real tables: every serial stays in exactly one
open block, each account holds what the sequence says it should, the totals are conserved, and
`verify` passes after each sequence.

Hypothesis drives sync examples, so each one runs on its own event loop with its own engine
(the test database is the session's, already migrated). Each example makes its own
organisations, so earlier examples' rows only give `verify` more to check.
"""

from __future__ import annotations

import asyncio
from collections import Counter

from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as examples
from hypothesis import strategies as st
from sqlalchemy import select

from domain.clock import utcnow
from domain.errors import Conflict, InvalidInput
from domain.governance.audit import Actor
from domain.ledger.verify import verify_ledger
from domain.persistence.engine import build_engine
from domain.persistence.tables import LedgerAccount, UnitBlock
from domain.persistence.uow import Database
from domain.registry import retirements
from domain.registry.accounts import RETIRED
from tests.api.test_registry_verify import retire, transfer
from tests.registry_units import issued_units
from tests.registry_world import make_org

ORGS = 3
STAFF = Actor(id="0PROPERTYSTAFF000000000000", role="admin")

org_index = st.integers(0, ORGS - 1)
quantity = st.integers(1, 40)
operation = st.one_of(
    st.tuples(st.just("issue"), org_index, quantity, st.sampled_from([2023, 2025]), st.just("I")),
    st.tuples(st.just("issue"), org_index, quantity, st.just(2024), st.just("II")),
    st.tuples(st.just("transfer"), org_index, org_index, quantity),
    st.tuples(st.just("retire"), org_index, quantity, st.booleans()),
    st.tuples(st.just("end"), st.integers(0, 5), st.booleans()),
)


async def _run(url: str, ops: list[tuple]) -> None:
    db = Database(build_engine(url, pool_size=2))
    try:
        orgs = [await make_org(db) for _ in range(ORGS)]
        held: Counter[str] = Counter()  # what each holding account should hold
        issued: dict[str, int] = {}  # issuance id -> quantity
        pending: list[tuple[str, str, int]] = []  # (retirement, account, quantity)
        retired = 0
        for op in ops:
            if op[0] == "issue":
                _, i, q, vintage, unit_class = op
                made = await issued_units(db, orgs[i], q, vintage=vintage, unit_class=unit_class)
                issued[made.issuance_id] = q
                held[orgs[i].account_id] += q
            elif op[0] == "transfer":
                _, i, j, q = op
                try:
                    await transfer(db, orgs[i], orgs[j], q)
                except (Conflict, InvalidInput):  # too few, Class II, same account: refused
                    continue
                held[orgs[i].account_id] -= q
                held[orgs[j].account_id] += q
            elif op[0] == "retire":
                _, i, q, is_pending = op
                try:
                    rid = await retire(db, orgs[i], q, pending=is_pending)
                except Conflict:  # too few units
                    continue
                held[orgs[i].account_id] -= q
                retired += q
                if is_pending:
                    pending.append((rid, orgs[i].account_id, q))
            elif pending:  # a pending retirement always ends, either way
                rid, account, q = pending.pop(op[1] % len(pending))
                async with db.unit_of_work() as uow:
                    if op[2]:
                        await retirements.complete(uow, STAFF, rid, now=utcnow())
                    else:
                        await retirements.release(uow, STAFF, rid, now=utcnow())
                        held[account] += q
                        retired -= q
        await _check(db, orgs, held, issued, retired)
    finally:
        await db.dispose()


async def _check(db, orgs, held: Counter[str], issued: dict[str, int], retired: int) -> None:
    async with db.unit_of_work() as uow:
        s = uow.session  # type: ignore[attr-defined]
        blocks = list(
            (
                await s.execute(
                    select(UnitBlock).where(
                        UnitBlock.issuance_id.in_(list(issued) or [""]),
                        UnitBlock.closed_at.is_(None),
                    )
                )
            ).scalars()
        )
        for issuance_id, q in issued.items():  # every serial in exactly one open block
            serials = Counter(
                n
                for b in blocks
                if b.issuance_id == issuance_id
                for n in range(b.serial_start, b.serial_end + 1)
            )
            assert set(serials) == set(range(1, q + 1)) and set(serials.values()) == {1}
        by_account: Counter[str] = Counter()
        for b in blocks:
            by_account[b.account_id] += b.serial_end - b.serial_start + 1
        for org in orgs:
            balance = (await s.get(LedgerAccount, org.account_id)).balance
            assert balance == held[org.account_id] == by_account[org.account_id]
        assert by_account[RETIRED] == retired
        assert sum(by_account.values()) == sum(issued.values())  # conserved
        report = await verify_ledger(uow)
        assert report.ok, report.first_bad


@examples(
    max_examples=8,
    deadline=None,
    # no shrinking: each step is a database round trip, and shrinking a failure ran for
    # minutes; the failing sequence is printed as generated
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(operation, min_size=1, max_size=14))
def test_random_registry_sequences_keep_serials_and_totals(settings, ops) -> None:
    asyncio.run(_run(settings.database_url, ops))
