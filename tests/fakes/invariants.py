"""The ledger's invariants (DESIGN.md, "The ledger"), checked over the fake's rows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.ledger.chain import GENESIS, entry_hash
from domain.persistence.tables import LedgerAccount

if TYPE_CHECKING:
    from tests.fakes.ledger import FakeLedger


def ledger_problems(ledger: FakeLedger) -> list[str]:
    """What is wrong, one line each (empty when sound): postings sum to zero, every citizen
    chain links and hashes, cached balances equal postings and lots, nothing goes negative."""
    found = []
    sums: dict[str, int] = {}
    for p in ledger.postings:
        sums[p.credit_account] = sums.get(p.credit_account, 0) + p.amount
        sums[p.debit_account] = sums.get(p.debit_account, 0) - p.amount
    if sum(sums.values()) != 0:
        found.append("postings do not sum to zero")
    for account in ledger.accounts.values():
        if account.kind != "citizen":
            continue
        found += _chain_problems(ledger, account)
        if account.balance != sums.get(account.id, 0):
            found.append(f"{account.id}: cached balance {account.balance} != postings")
        lots = [lot for (a, _), lot in ledger.lots_by_key.items() if a == account.id]
        if any(lot.remaining < 0 for lot in lots):
            found.append(f"{account.id}: a lot below zero")
        if account.balance != sum(lot.remaining for lot in lots):
            found.append(f"{account.id}: balance {account.balance} != its lots")
    return found


def _chain_problems(ledger: FakeLedger, account: LedgerAccount) -> list[str]:
    found, head, balance = [], GENESIS, 0
    chain = ledger.chain(account.id)
    for seq, p in enumerate(chain, start=1):
        delta = p.amount if p.credit_account == account.id else -p.amount
        balance += delta
        digest = entry_hash(
            prev_hash=head,
            account=account.id,
            seq=seq,
            kind=p.kind,
            delta=delta,
            balance_after=balance,
            idempotency_key=p.idempotency_key,
            counter_account=p.debit_account if delta > 0 else p.credit_account,
            trip_fingerprint=p.trip_fingerprint,
            created_at=p.created_at,
        )
        if (p.seq, p.prev_hash, p.balance_after, p.hash) != (seq, head, balance, digest):
            found.append(f"{account.id}: entry {p.seq} does not chain")
        if balance < 0:
            found.append(f"{account.id}: below zero after entry {p.seq}")
        head = p.hash
    if (account.entries, account.head_hash) != (len(chain), head):
        found.append(f"{account.id}: cached head does not match its chain")
    return found
