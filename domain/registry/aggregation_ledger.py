"""Reconciling an aggregation with the citizens' ledger, exactly.

The aggregation was summed from the trips as decided (`trips.status`, `decided_at`, `points`).
This sums the same period again from the other side, the chained postings: every `earn` posting
of the period with the grams behind the points it posted, less every `reverse` posting of the
period with the grams behind its trip's `earn`. A trip marked credited without its posting, a
posting whose amount differs from its trip's points, a reversal not written to the ledger: each
makes the two figures differ, and `reconciles` false.
"""

from __future__ import annotations

import msgspec

from domain.persistence.tables import Aggregation
from domain.persistence.uow import UnitOfWork
from domain.registry.aggregation import class_i_versions, grams_per_point
from domain.registry.periods import Period


class Reconciliation(msgspec.Struct, frozen=True):
    ledger_trips: int
    ledger_g: int
    reconciles: bool


async def reconcile(uow: UnitOfWork, aggregation: Aggregation) -> Reconciliation:
    class_i = await class_i_versions(uow, aggregation.methodology_code)
    period = Period(aggregation.period_kind, aggregation.period_start, aggregation.period_end)
    edges = period.day_bounds()
    trips, grams = await uow.aggregations.ledger_side(
        aggregation.methodology_code, grams_per_point(class_i), edges[0], edges[-1]
    )
    return Reconciliation(
        ledger_trips=trips,
        ledger_g=grams,
        reconciles=trips == aggregation.trips and grams == aggregation.grams,
    )
