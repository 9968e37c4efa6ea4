"""Aggregating citizens' credited Class I grams of a Shanghai month or quarter into whole tonnes
(METHODOLOGY.md "Aggregation into registry units"), for HC1's issuance to `reg:public-behaviour`.

What a period sums: the trips credited in it (by the Shanghai day of their crediting, the trip's
`decided_at`, which is also its `earn` posting's time) under the Class I versions of the
methodology code, each with the grams behind the points it earned (see the repository: a capped
trip counts nothing, a trip that crossed the daily points cap only `points * grams_per_point`),
less the trips reversed in it (by their `reverse` posting's time) with the grams they had counted.
Class II versions never enter the sum, and a code with no Class I version is refused.

Whole tonnes = (period grams + the previous aggregation's remainder) // 1,000,000; the rest
carries out. Aggregations of one code are serialised by locking the code's methodology rows, and
may not go back in time (a later period already aggregated would have carried the wrong
remainder), nor overlap (the unique constraint on (code, period_start) backs the same rule).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from domain.clock import shanghai_date
from domain.errors import Conflict, NotFound
from domain.governance.audit import Actor, record
from domain.ids import new_id
from domain.methodology.params import MethodologyParams, from_json
from domain.persistence.tables import Aggregation
from domain.persistence.uow import UnitOfWork
from domain.registry.periods import Period, lapsed, period_of, require_over

GRAMS_PER_TONNE = 1_000_000
_FIELDS = ("trips", "grams", "reversed_trips", "reversed_g")


async def class_i_versions(
    uow: UnitOfWork, code: str, *, lock: bool = False
) -> dict[int, MethodologyParams]:
    """The code's Class I versions and their parameters; NotFound for an unknown code, Conflict
    `class_ii_not_issuable_for_trading` when it has only Class II versions."""
    versions = await uow.methodologies.versions(code, for_update=lock)
    if not versions:
        raise NotFound(
            f"no methodology {code!r}", code="methodology_not_found", field="methodology_code"
        )
    class_i = {v.version: from_json(v.params) for v in versions if v.methodology_class == "I"}
    if not class_i:
        raise Conflict(
            f"{code} is Class II: its reductions earn points but are never issued for trading",
            code="class_ii_not_issuable_for_trading",
            field="methodology_code",
        )
    return class_i


def grams_per_point(class_i: dict[int, MethodologyParams]) -> dict[int, int]:
    return {v: p.points.grams_per_point for v, p in class_i.items()}


async def aggregate(
    uow: UnitOfWork, actor: Actor, code: str, start: date, end: date, now: datetime
) -> Aggregation:
    """Sum the period, store it with its breakdown by mode and day, and audit it."""
    period = period_of(start, end)
    class_i = await class_i_versions(uow, code, lock=True)
    require_over(period, shanghai_date(now))
    await _require_free(uow, code, period)
    previous = await uow.aggregations.previous(code, period.start)
    carried_in = previous.carried_out_g if previous else 0
    lapsed_carry = 0
    if previous is not None and lapsed(previous.vintage, period.starts_at):
        # a remainder from two or more years back lapsed with its year's points before this
        # period began: it is not carried into it
        lapsed_carry, carried_in = carried_in, 0
    # A trip is decided at most the acceptance window plus the pending wait after it ended.
    reach = max(p.window_days + p.pending_days for p in class_i.values()) + 2
    bounds = period.day_bounds()
    gpp = grams_per_point(class_i)
    credited = await uow.aggregations.credited(
        code, gpp, bounds, period.start - timedelta(days=reach)
    )
    undone = await uow.aggregations.reversed(code, gpp, bounds)
    breakdown = tally(period, credited, undone)
    breakdown["lapsed_carry_g"] = lapsed_carry
    trips = sum(m["trips"] - m["reversed_trips"] for m in breakdown["by_mode"].values())
    grams = sum(m["grams"] - m["reversed_g"] for m in breakdown["by_mode"].values())
    if grams < 0:
        raise Conflict("the period's reversals exceed its credits", code="reversals_exceed_credits")
    tonnes, carried_out = divmod(grams + carried_in, GRAMS_PER_TONNE)
    aggregation = Aggregation(
        id=new_id(),
        methodology_code=code,
        period_kind=period.kind,
        period_start=period.start,
        period_end=period.end,
        vintage=period.vintage,
        trips=trips,
        grams=grams,
        carried_in_g=carried_in,
        tonnes=tonnes,
        carried_out_g=carried_out,
        breakdown=breakdown,
        created_by=actor.id,
        created_at=now,
    )
    uow.aggregations.add(aggregation)
    await uow.flush()
    record(
        uow,
        actor,
        "aggregation.create",
        "aggregation",
        aggregation.id,
        None,
        _summary(aggregation),
        now,
    )
    return aggregation


async def _require_free(uow: UnitOfWork, code: str, period: Period) -> None:
    for other in await uow.aggregations.overlapping(code, period.start, period.end):
        if (other.period_start, other.period_end) == (period.start, period.end):
            raise Conflict(
                f"{code} {period.start}..{period.end} is already aggregated",
                code="already_aggregated",
                aggregation_id=other.id,
            )
        raise Conflict(
            f"the period overlaps {code} {other.period_start}..{other.period_end}, already "
            "aggregated",
            code="period_overlaps",
            aggregation_id=other.id,
        )
    later = await uow.aggregations.later(code, period.end)
    if later is not None:
        raise Conflict(
            f"{code} {later.period_start}..{later.period_end} is already aggregated: its carried "
            "remainder would no longer follow this period's",
            code="later_period_aggregated",
            aggregation_id=later.id,
        )


def tally(
    period: Period,
    credited: list[tuple[int, str, int, int]],
    undone: list[tuple[int, str, int, int]],
) -> dict[str, dict[str, dict[str, int]]]:
    """{by_mode: {mode: figures}, by_day: {iso day: figures}} from the repository's
    (day index, mode, trips, grams) rows; figures are the credited trips and grams and the
    reversed ones, each apart."""
    days = period.days()
    by_mode: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(_FIELDS, 0))
    by_day: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(_FIELDS, 0))
    for rows, (n_key, g_key) in ((credited, _FIELDS[:2]), (undone, _FIELDS[2:])):
        for index, mode, n, g in rows:
            for bucket in (by_mode[mode], by_day[days[index].isoformat()]):
                bucket[n_key] += n
                bucket[g_key] += g
    return {"by_mode": dict(sorted(by_mode.items())), "by_day": dict(sorted(by_day.items()))}


def _summary(a: Aggregation) -> dict[str, object]:
    return {
        "methodology_code": a.methodology_code,
        "period_start": a.period_start.isoformat(),
        "period_end": a.period_end.isoformat(),
        "trips": a.trips,
        "grams": a.grams,
        "carried_in_g": a.carried_in_g,
        "tonnes": a.tonnes,
        "carried_out_g": a.carried_out_g,
    }


async def get(uow: UnitOfWork, aggregation_id: str) -> Aggregation:
    aggregation = await uow.aggregations.get(aggregation_id)
    if aggregation is None:
        raise NotFound("no such aggregation", code="aggregation_not_found")
    return aggregation
