"""A merchant's monthly settlement: redemptions counted and summed per offer and Shanghai day."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime

import msgspec

from domain.clock import SHANGHAI, shanghai_date
from domain.errors import InvalidInput
from domain.persistence.uow import UnitOfWork

_MONTH = re.compile(r"(\d{4})-(\d{2})")


class Line(msgspec.Struct, frozen=True):
    day: date
    offer_id: str
    title: str
    count: int
    points: int


class Statement(msgspec.Struct, frozen=True):
    merchant_id: str
    month: str
    lines: list[Line]

    @property
    def total_count(self) -> int:
        return sum(line.count for line in self.lines)

    @property
    def total_points(self) -> int:
        return sum(line.points for line in self.lines)


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """[first instant, first instant of the next month) of a Shanghai calendar month."""
    match = _MONTH.fullmatch(month or "")
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise InvalidInput("month must be YYYY-MM", code="invalid_month")
    year, mon = int(match.group(1)), int(match.group(2))
    if not 2000 <= year <= 9998:
        raise InvalidInput("month out of range", code="invalid_month")
    start = datetime(year, mon, 1, tzinfo=SHANGHAI)
    end = datetime(year + (mon == 12), mon % 12 + 1, 1, tzinfo=SHANGHAI)
    return start, end


async def statement(uow: UnitOfWork, merchant_id: str, month: str) -> Statement:
    start, end = month_bounds(month)
    totals: dict[tuple[date, str], list] = {}
    for offer_id, title, redeemed_at, points in await uow.vouchers.redeemed_between(
        merchant_id, start, end
    ):
        entry = totals.setdefault((shanghai_date(redeemed_at), offer_id), [title, 0, 0])
        entry[1] += 1
        entry[2] += points
    lines = [
        Line(day=day, offer_id=offer_id, title=t, count=n, points=p)
        for (day, offer_id), (t, n, p) in sorted(totals.items())
    ]
    return Statement(merchant_id=merchant_id, month=month, lines=lines)


def as_csv(s: Statement) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["day", "offer_id", "title", "count", "points"])
    for line in s.lines:
        writer.writerow([line.day.isoformat(), line.offer_id, line.title, line.count, line.points])
    writer.writerow(["total", "", "", s.total_count, s.total_points])
    return out.getvalue()
