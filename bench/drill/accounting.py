"""What was sent against what is stored: each trip stored once and, if credited, with exactly
one `earn` posting of its points; the service's answers consistent with what it stored."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from bench.drill.sends import Answer


@dataclass(frozen=True)
class StoredTrip:
    id: str
    external_trip_id: str
    status: str
    reason: str | None
    points: int


@dataclass(frozen=True)
class Earn:
    """An `earn` posting, by the trip it credits."""

    trip_id: str | None
    amount: int


@dataclass
class Accounting:
    sent: int
    stored: int
    credited_once: int
    outcomes: Counter[str]  # stored trips by status (and reason when not credited)
    doubled: list[str] = field(default_factory=list)  # stored twice, or more than one earn
    lost: list[str] = field(default_factory=list)  # never stored, or credited without its earn
    wrong: list[str] = field(default_factory=list)  # stored, credited or answered inconsistently
    strays: list[str] = field(default_factory=list)  # stored or posted but never sent
    unanswered: list[str] = field(default_factory=list)  # sent, and no answer ever came back

    @property
    def ok(self) -> bool:
        return not (self.doubled or self.lost or self.wrong or self.strays or self.unanswered)


def account(
    sent: list[str],
    stored: list[StoredTrip],
    earns: list[Earn],
    answers: dict[str, list[Answer]],
) -> Accounting:
    by_ext: dict[str, list[StoredTrip]] = defaultdict(list)
    for t in stored:
        by_ext[t.external_trip_id].append(t)
    earns_of: dict[str | None, list[Earn]] = defaultdict(list)
    for e in earns:
        earns_of[e.trip_id].append(e)
    acc = Accounting(sent=len(sent), stored=len(stored), credited_once=0, outcomes=Counter())
    for t in stored:
        acc.outcomes[t.status if t.status == "credited" else f"{t.status}/{t.reason}"] += 1
    sent_set = set(sent)
    stored_ids = {t.id for t in stored}
    for ext in sorted(by_ext.keys() - sent_set):
        acc.strays.append(f"{ext}: stored, never sent")
    for trip_id in sorted((k for k in earns_of if k not in stored_ids), key=str):
        acc.strays.append(f"earn posting(s) for trip {trip_id}, which is not stored")
    for ext in sent:
        rows = by_ext.get(ext, [])
        if not answers.get(ext):
            acc.unanswered.append(ext)
        if not rows:
            acc.lost.append(f"{ext}: never stored")
            continue
        if len(rows) > 1:
            acc.doubled.append(f"{ext}: stored {len(rows)} times")
        t = rows[0]
        e = earns_of.get(t.id, [])
        if t.status == "credited":
            if not e:
                acc.lost.append(f"{ext}: credited, no earn posting")
            elif len(e) > 1:
                acc.doubled.append(f"{ext}: {len(e)} earn postings")
            elif e[0].amount != t.points:
                acc.wrong.append(f"{ext}: earn {e[0].amount}, trip points {t.points}")
            elif len(rows) == 1:
                acc.credited_once += 1
        elif e:
            acc.wrong.append(f"{ext}: {len(e)} earn posting(s) on a trip stored {t.status}")
        acc.wrong.extend(f"{ext}: {w}" for w in _answer_disagreements(t, answers.get(ext, [])))
    return acc


def _answer_disagreements(t: StoredTrip, answers: list[Answer]) -> list[str]:
    out = []
    decided = [a for a in answers if a.status != "duplicate"]
    if len(decided) > 1:
        out.append(f"decided {len(decided)} times ({', '.join(a.status for a in decided)})")
    if decided and (decided[0].status != t.status or decided[0].points != t.points):
        out.append(
            f"answered {decided[0].status} ({decided[0].points} points), stored {t.status} "
            f"({t.points} points)"
        )
    for a in answers:
        if a.trip_id is not None and a.trip_id != t.id:
            out.append(f"answered as trip {a.trip_id}, stored as {t.id}")
        if a.status == "duplicate" and a.detail and a.detail.startswith("stored as "):
            said = a.detail.removeprefix("stored as ")
            if said != t.status:
                out.append(f"a replay said stored as {said}, stored {t.status}")
    return out
