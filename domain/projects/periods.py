"""Rules for a monitoring period (pure): inside the crediting period, within one calendar year
(its vintage), and not overlapping another live report of the project."""

from __future__ import annotations

from datetime import date

from domain.errors import Conflict, InvalidInput


def check_period(
    period_start: date, period_end: date, crediting_start: date, crediting_end: date
) -> int:
    """The vintage (the period's year); InvalidInput naming the field otherwise."""
    if period_end < period_start:
        raise InvalidInput(
            "period_end is before period_start", code="invalid_period", field="period_end"
        )
    if period_start < crediting_start:
        raise InvalidInput(
            f"period_start is before the crediting period starts ({crediting_start})",
            code="period_outside_crediting",
            field="period_start",
        )
    if period_end > crediting_end:
        raise InvalidInput(
            f"period_end is after the crediting period ends ({crediting_end})",
            code="period_outside_crediting",
            field="period_end",
        )
    if period_start.year != period_end.year:
        raise InvalidInput(
            "a monitoring period lies within one calendar year (its vintage)",
            code="period_spans_years",
            field="period_end",
        )
    return period_start.year


def overlaps(a_start: date, a_end: date, b_start: date, b_end: date) -> bool:
    """Closed intervals [a_start, a_end] and [b_start, b_end] share a day."""
    return a_start <= b_end and b_start <= a_end


def refuse_overlap(
    period_start: date, period_end: date, others: list[tuple[str, date, date]]
) -> None:
    """Conflict `period_overlaps` naming the first live report whose period shares a day."""
    for report_id, start, end in others:
        if overlaps(period_start, period_end, start, end):
            raise Conflict(
                f"the period overlaps report {report_id} ({start} to {end})",
                code="period_overlaps",
                report_id=report_id,
            )
