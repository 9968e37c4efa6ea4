"""Recompute every chain, balance and trip fingerprint; name the first row that does not match.

Citizens' points accounts, the registry's holding accounts (kind `registry`, tonnes) and the
market's money accounts (kind `money`, fen) are chains alike. Registry postings are all
chained on a holding account, so replaying those chains also adds up what went to each system
counter account (issuance, transit, retired); the registry's own invariants
(domain/registry/audit.py) are checked against those sums.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import aclosing
from datetime import datetime

import msgspec

from domain.ledger.chain import GENESIS, entry_hash, trip_fingerprint
from domain.market.money import MONEY_KIND
from domain.persistence.tables import LedgerAccount, Posting, Trip
from domain.persistence.uow import UnitOfWork
from domain.registry import audit as registry_audit
from domain.registry.accounts import REGISTRY_KIND


class VerifyReport(msgspec.Struct):
    ok: bool
    accounts: int
    postings: int
    first_bad: str | None = None  # e.g. "ledger_postings id=... (account cit:..., seq 7): hash"


async def verify_ledger(uow: UnitOfWork) -> VerifyReport:
    accounts = await uow.ledger_audit.citizen_accounts()
    accounts += await uow.ledger_audit.accounts_of_kind(REGISTRY_KIND)
    accounts += await uow.ledger_audit.accounts_of_kind(MONEY_KIND)
    checked = 0
    sums = registry_audit.Sums()
    for account in accounts:
        bad, n = await _verify_account(uow, account, sums)
        checked += n
        if bad:
            return VerifyReport(ok=False, accounts=len(accounts), postings=checked, first_bad=bad)
    if bad := await registry_audit.check(uow, sums):
        return VerifyReport(ok=False, accounts=len(accounts), postings=checked, first_bad=bad)
    return VerifyReport(ok=True, accounts=len(accounts), postings=checked)


async def verify_entries_between(uow: UnitOfWork, start: datetime, end: datetime) -> str | None:
    """The postings made in [start, end) checked without replaying whole chains: each entry's
    hash recomputed from its content (its stored prev_hash and balance_after), and consecutive
    entries of one chain linked (seq, prev_hash, balance). A day's checkpoint covers only the
    chains' heads; this catches an entry rewritten behind a head. `verify_ledger` replays all."""
    last: Posting | None = None
    async with aclosing(uow.ledger_audit.postings_between(start, end)) as postings:
        async for p in postings:
            where = f"ledger_postings id={p.id} (account {p.chain_account}, seq {p.seq})"
            delta = p.amount if p.credit_account == p.chain_account else -p.amount
            if last is not None and last.chain_account == p.chain_account:
                if p.seq != last.seq + 1:
                    return f"{where}: sequence gap, expected {last.seq + 1}"
                if p.prev_hash != last.hash:
                    return f"{where}: prev_hash does not match the previous entry"
                if p.balance_after != last.balance_after + delta:
                    return f"{where}: balance_after {p.balance_after}, recomputed " + str(
                        last.balance_after + delta
                    )
            expected = entry_hash(
                prev_hash=p.prev_hash,
                account=p.chain_account,
                seq=p.seq,
                kind=p.kind,
                delta=delta,
                balance_after=p.balance_after,
                idempotency_key=p.idempotency_key,
                counter_account=p.debit_account if delta > 0 else p.credit_account,
                trip_fingerprint=p.trip_fingerprint,
                created_at=p.created_at,
            )
            if p.hash != expected:
                return f"{where}: hash does not match the entry's content"
            last = p
    return None


async def _verify_account(
    uow: UnitOfWork, account: LedgerAccount, sums: registry_audit.Sums
) -> tuple[str | None, int]:
    async with aclosing(uow.ledger_audit.chain(account.id)) as chain:
        return await _verify_chain(uow, account, chain, sums)


async def _verify_chain(
    uow: UnitOfWork,
    account: LedgerAccount,
    chain: AsyncIterator[Posting],
    sums: registry_audit.Sums,
) -> tuple[str | None, int]:
    registry = account.kind == REGISTRY_KIND
    prev, balance, seq, n = GENESIS, 0, 0, 0
    async for p in chain:
        n += 1
        where = f"ledger_postings id={p.id} (account {account.id}, seq {p.seq})"
        seq += 1
        delta = p.amount if p.credit_account == account.id else -p.amount
        counter = p.debit_account if delta > 0 else p.credit_account
        balance += delta
        if p.seq != seq:
            return f"{where}: sequence gap, expected {seq}", n
        if p.prev_hash != prev:
            return f"{where}: prev_hash does not match the previous entry", n
        if p.balance_after != balance or balance < 0:
            return f"{where}: balance_after {p.balance_after}, recomputed {balance}", n
        expected = entry_hash(
            prev_hash=prev,
            account=account.id,
            seq=p.seq,
            kind=p.kind,
            delta=delta,
            balance_after=balance,
            idempotency_key=p.idempotency_key,
            counter_account=counter,
            trip_fingerprint=p.trip_fingerprint,
            created_at=p.created_at,
        )
        if p.hash != expected:
            return f"{where}: hash does not match the entry's content", n
        if p.trip_id is not None and (bad := await _verify_trip(uow, p)):
            return f"{where}: {bad}", n
        if registry:
            sums.add(p.kind, counter, -delta)
        prev = p.hash
    if account.head_hash != prev or account.entries != seq or account.balance != balance:
        return f"ledger_accounts id={account.id}: cached head/balance differs from its entries", n
    if account.kind != "citizen":  # only points come in lots
        return None, n
    lots = await uow.ledger_audit.lots_remaining(account.id)
    if lots != balance:
        return f"points_lots account_id={account.id}: lots hold {lots}, balance {balance}", n
    return None, n


async def _verify_trip(uow: UnitOfWork, p: Posting) -> str | None:
    """The credited trip matches its posting: its content hashes to the fingerprint the posting
    chained. An erased trip (its citizen erased) no longer holds the account, stations and
    times the fingerprint covers: it must still hold the very fingerprint the posting chained,
    and its status and points must still match, but its content cannot be recomputed."""
    trip = await uow.ledger_audit.trip(p.trip_id)
    if trip is None:
        return f"credited trip {p.trip_id} is missing"
    if trip.erased_at is not None:
        citizen = await uow.citizens.get(trip.citizen_id) if trip.citizen_id else None
        if citizen is None or citizen.status != "erased":
            return f"trips id={trip.id}: marked erased but its citizen is not"
        if trip.fingerprint != p.trip_fingerprint:
            return f"trips id={trip.id}: erased trip's fingerprint differs from its posting's"
        return _status_and_points(trip, p)
    if trip.account_hash is None or trip.started_at is None or trip.ended_at is None:
        return f"trips id={trip.id}: account or times missing from a trip that is not erased"
    fingerprint = trip_fingerprint(
        operator_id=trip.operator_id,
        external_trip_id=trip.external_trip_id,
        account_hash=trip.account_hash,
        mode=trip.mode,
        started_at=trip.started_at,
        ended_at=trip.ended_at,
        distance_m=trip.distance_m,
        reduction_g=trip.reduction_g,
        points=trip.points,
        methodology=f"{trip.methodology_code}/{trip.methodology_version}",
    )
    if fingerprint != trip.fingerprint or fingerprint != p.trip_fingerprint:
        return f"trips id={trip.id}: content does not match its fingerprint"
    return _status_and_points(trip, p)


def _status_and_points(trip: Trip, p: Posting) -> str | None:
    if trip.status != "credited" or trip.points != p.amount:
        return f"trips id={trip.id}: status/points differ from the posting"
    return None
