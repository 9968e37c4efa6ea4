"""The registry's invariants, checked by `puhui verify` after the holding accounts' chains replay.

- A holding account's balance (its chain, already replayed) equals the units of its open blocks,
  and open blocks lie only in holding accounts (active) or in the retired account (reserved or
  retired).
- The retired account holds, in open blocks, what retirements sent it minus what releases gave
  back, and the postings against it say the same; the transit account nets to zero.
- Each issued issuance's open blocks are disjoint and cover 1..quantity exactly; no other
  issuance has blocks.
- The tonnes posted as `reg_issue` equal the quantities issued.

Each finding names the first row that does not match, as the chain checks do.
"""

from __future__ import annotations

from collections import defaultdict
from contextlib import aclosing

from domain.persistence.uow import UnitOfWork
from domain.registry.accounts import ISSUED_FROM, REGISTRY_KIND, RETIRED

TRANSIT = "sys:registry-transit"


class Sums:
    """What the replayed registry chains moved, by counter account and by posting kind."""

    def __init__(self) -> None:
        self.into: dict[str, int] = defaultdict(int)  # counter account -> net units it received
        self.by_kind: dict[str, int] = defaultdict(int)  # posting kind -> units (unsigned)

    def add(self, kind: str, counter: str, counter_delta: int) -> None:
        self.into[counter] += counter_delta
        self.by_kind[kind] += abs(counter_delta)


async def check(uow: UnitOfWork, sums: Sums) -> str | None:
    """The first registry invariant that does not hold, or None."""
    return (
        await _balances(uow)
        or await _retired(uow, sums)
        or await _cover(uow)
        or await _issued_total(uow, sums)
    )


async def _balances(uow: UnitOfWork) -> str | None:
    held = await uow.ledger_audit.open_quantities()
    for account in await uow.ledger_audit.accounts_of_kind(REGISTRY_KIND):
        units = held.pop(account.id, 0)
        if units != account.balance:
            return (
                f"ledger_accounts id={account.id}: balance {account.balance}, "
                f"open blocks hold {units}"
            )
    held.pop(RETIRED, None)
    for account, units in sorted(held.items()):
        return f"unit_blocks account_id={account}: {units} units in open blocks of no holder"
    return None


async def _retired(uow: UnitOfWork, sums: Sums) -> str | None:
    held = (await uow.ledger_audit.open_quantities()).get(RETIRED, 0)
    retired = await uow.ledger_audit.movement_total("retire")
    released = await uow.ledger_audit.movement_total("release")
    if held != retired - released:
        return (
            f"unit_blocks account_id={RETIRED}: open blocks hold {held}, retirements minus "
            f"releases {retired - released}"
        )
    if sums.into[RETIRED] != held:
        return (
            f"ledger_postings credit_account={RETIRED}: postings put {sums.into[RETIRED]} "
            f"units there, open blocks hold {held}"
        )
    if sums.into[TRANSIT] != 0:
        return f"ledger_postings counter {TRANSIT}: transfers net {sums.into[TRANSIT]}, not 0"
    return None


async def _cover(uow: UnitOfWork) -> str | None:
    issued = await uow.ledger_audit.issued_quantities()
    seen: set[str] = set()
    current, expected = None, 1
    async with aclosing(uow.ledger_audit.open_blocks()) as blocks:
        async for block_id, issuance, start, end, account, status in blocks:
            where = f"unit_blocks id={block_id} (issuance {issuance}, serials {start}..{end})"
            if issuance != current:
                if current is not None and (bad := _short(current, expected, issued)):
                    return bad
                current, expected = issuance, 1
                seen.add(issuance)
                if issuance not in issued:
                    return f"{where}: its issuance is not issued"
            if start < expected:
                return f"{where}: overlaps the block before it"
            if start > expected:
                return f"{where}: serials {expected}..{start - 1} are in no open block"
            if end > issued[issuance]:
                return f"{where}: beyond the issuance's {issued[issuance]} units"
            if (status == "active") == (account == RETIRED):
                return f"{where}: status {status} in account {account}"
            expected = end + 1
    if current is not None and (bad := _short(current, expected, issued)):
        return bad
    for issuance in sorted(set(issued) - seen):
        return f"issuances id={issuance}: issued, but none of its units is in an open block"
    return None


def _short(issuance: str, expected: int, issued: dict[str, int]) -> str | None:
    if expected - 1 != issued[issuance]:
        return (
            f"issuances id={issuance}: open blocks end at serial {expected - 1}, "
            f"{issued[issuance]} issued"
        )
    return None


async def _issued_total(uow: UnitOfWork, sums: Sums) -> str | None:
    issued = sum((await uow.ledger_audit.issued_quantities()).values())
    posted = sums.by_kind["reg_issue"]
    if posted != issued or -sums.into[ISSUED_FROM] != issued:
        return f"ledger_postings kind=reg_issue: {posted} units posted, {issued} issued"
    return None
