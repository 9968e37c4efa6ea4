"""The ledger's sums, per its double-entry model (domain/persistence/tables/ledger.py): a posting
moves `amount` from `debit_account` to `credit_account` in one row; citizen accounts cache their
balance, entry count and lots; system accounts (sys:issuance...) keep none, their balance is the
sum of their postings. Pure: fed with aggregates read from the drill's database."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

ISSUANCE = "sys:issuance"


@dataclass(frozen=True)
class Flow:
    """Postings of one kind from one account to another: how many, and their total."""

    kind: str
    debit: str
    credit: str
    postings: int
    amount: int


@dataclass(frozen=True)
class AccountRow:
    id: str
    kind: str  # citizen | system
    balance: int  # cached (citizen accounts only)
    entries: int  # cached chain length (citizen accounts only)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def nets(flows: list[Flow]) -> dict[str, int]:
    """Each account's balance from its postings: credits minus debits."""
    out: dict[str, int] = defaultdict(int)
    for f in flows:
        out[f.credit] += f.amount
        out[f.debit] -= f.amount
    return dict(out)


def postings_sum_to_zero(flows: list[Flow]) -> Check:
    n = nets(flows)
    bad = [f for f in flows if f.amount <= 0 or f.debit == f.credit]
    total = sum(n.values())
    ok = total == 0 and not bad
    detail = (
        f"{sum(f.postings for f in flows):,} postings, {sum(f.amount for f in flows):,} points "
        f"moved; the nets of {len(n):,} accounts sum to {total}"
    )
    if bad:
        detail += f"; {len(bad)} flows with a non-positive amount or one account on both sides"
    return Check("postings sum to zero", ok, detail)


def earn_from_issuance(
    flows: list[Flow], accounts: list[AccountRow], credited_points: int
) -> Check:
    """Every earn moves points from sys:issuance to a citizen; what issuance gave out is what
    the earn postings hold and what the credited trips are worth."""
    kind_of = {a.id: a.kind for a in accounts}
    earns = [f for f in flows if f.kind == "earn"]
    astray = [f for f in earns if f.debit != ISSUANCE or kind_of.get(f.credit) != "citizen"]
    earned = sum(f.amount for f in earns)
    others = [f for f in flows if f.kind != "earn" and ISSUANCE in (f.debit, f.credit)]
    issued = -nets(flows).get(ISSUANCE, 0)
    ok = not astray and earned == credited_points and (bool(others) or issued == earned)
    detail = (
        f"{sum(f.postings for f in earns):,} earn postings of {earned:,} points; credited trips "
        f"worth {credited_points:,}; sys:issuance net {-issued:,}"
    )
    if astray:
        detail += f"; {len(astray)} earn flows not from sys:issuance to a citizen"
    if others:
        detail += f"; other kinds through sys:issuance: {sorted({f.kind for f in others})}"
    return Check("earn postings come from sys:issuance", ok, detail)


def cached_balances(
    flows: list[Flow],
    accounts: list[AccountRow],
    chain_lengths: dict[str, int],
    lots_remaining: dict[str, int],
) -> list[Check]:
    """Per citizen account: cached balance = its postings' sum, cached entries = its chain's
    length, lots remaining = balance; and citizens' balances + system nets = 0."""
    n = nets(flows)
    citizens = [a for a in accounts if a.kind == "citizen"]
    known = {a.id for a in accounts}
    balance_bad = [a.id for a in citizens if a.balance != n.get(a.id, 0) or a.balance < 0]
    entries_bad = [a.id for a in citizens if a.entries != chain_lengths.get(a.id, 0)]
    lots_bad = [a.id for a in citizens if lots_remaining.get(a.id, 0) != a.balance]
    unknown = sorted((n.keys() | chain_lengths.keys() | lots_remaining.keys()) - known)
    held = sum(a.balance for a in citizens)
    system = sum(v for k, v in n.items() if k not in {a.id for a in citizens})
    return [
        Check(
            "cached balances = ledger sums",
            not balance_bad and not entries_bad and not unknown and held + system == 0,
            f"{len(citizens):,} citizen accounts hold {held:,} points, system accounts' nets "
            f"{system:,}; balance differs on {len(balance_bad)} {balance_bad[:3]}, entries on "
            f"{len(entries_bad)} {entries_bad[:3]}; postings of unknown accounts {unknown[:3]}",
        ),
        Check(
            "points lots total = balance",
            not lots_bad,
            f"lots hold {sum(lots_remaining.values()):,} points; differ on {len(lots_bad)} "
            f"accounts {lots_bad[:3]}",
        ),
    ]
