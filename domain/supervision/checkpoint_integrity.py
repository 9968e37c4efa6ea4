"""A published checkpoint that no longer verifies: the day's Merkle root recomputed from the
postings as they are now differs from the one published (a head was rewritten), or one of the
day's entries no longer matches its own hash or its chain neighbour (an entry rewritten behind a
head, which leaves the root alone). The ledger's verify routine then names the first bad row."""

from __future__ import annotations

from datetime import datetime

from domain.ledger import checkpoints
from domain.ledger.verify import verify_entries_between, verify_ledger
from domain.persistence.tables import Alert
from domain.persistence.uow import UnitOfWork
from domain.supervision.alerts import raise_alert
from domain.supervision.thresholds import Thresholds

KIND = "checkpoint_mismatch"
FIGURES = ("accounts", "postings", "points_issued", "registry_movements", "units_issued")


async def detect(uow: UnitOfWork, now: datetime, t: Thresholds) -> list[Alert]:
    raised: list[Alert] = []
    first_bad: str | None = None
    verified = False
    for published in await checkpoints.recent(uow, t.checkpoint_days, None):
        again = await checkpoints.compute(uow, published.day, now)
        entries_bad = await verify_entries_between(uow, *checkpoints.day_bounds(published.day))
        if again["merkle_root"] == published.merkle_root and entries_bad is None:
            continue
        if not verified:  # once per run, and only when something is wrong
            report = await verify_ledger(uow)
            first_bad, verified = report.first_bad, True
        alert = await raise_alert(
            uow,
            kind=KIND,
            subject_type="checkpoint",
            subject_id=published.day.isoformat(),
            window=published.merkle_root,
            summary=f"the checkpoint of {published.day.isoformat()} no longer verifies",
            evidence={
                "day": published.day.isoformat(),
                "published_root": published.merkle_root,
                "recomputed_root": again["merkle_root"],
                "published": {f: getattr(published, f) for f in FIGURES},
                "recomputed": {f: again[f] for f in FIGURES},
                "first_bad": first_bad,
                "first_bad_entry_of_the_day": entries_bad,
            },
            now=now,
        )
        if alert is not None:
            raised.append(alert)
    return raised
