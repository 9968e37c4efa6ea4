"""What erasing a citizen removes besides their identifiers: everything that links back to them.

`citizens.erase` nulls the identifiers, ends the sessions, calls `forget` and then writes off the
remaining balance to `sys:erasure`. `forget`, in this order:

1. deletes every binding of the citizen (linked now or unlinked before: the account hash and its
   `****1234` hint) and every binding code, then the open tap-ins of the accounts that were
   linked (they would have become the citizen's trips). First, so an operator linking one of
   their accounts concurrently either commits before (and its binding is deleted here) or finds
   its code gone;
2. cancels every unredeemed voucher through the ordinary cancel path (`purchase.cancel`: its points
   return to the lots they came from and its stock to the offer), so the write-off takes them too;
3. locks the citizen's ledger account (crediting locks it before writing trips, so no trip of a
   concurrent batch lands between this and the next step), then empties the citizen's trips of the
   account hash, stations and exact times; mode, Shanghai day, distance, grams, points, status,
   methodology and the stored fingerprint stay (`puhui verify` checks an erased trip's posting
   against that stored fingerprint, as it cannot recompute it);
4. drops the codes and tokens of all the citizen's vouchers, and deletes their idempotency records
   (the stored answers hold voucher tokens);
5. blanks the texts of the citizen's complaints, their rating comments and the steps they wrote,
   and drops their attachments (staff answers, categories and dates stay for the SLA figures).

Kept on purpose: the operator's `external_trip_id` (the unique key that makes a replayed trip a
replay), the ledger postings (append-only and chained), the citizen's day totals and vouchers'
ids, amounts and dates: none of them names the person once the identifiers above are gone.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import datetime

from domain.errors import Conflict, Gone
from domain.ledger.accounts import citizen_account_id
from domain.ledger.idempotency import citizen_owner
from domain.persistence.uow import UnitOfWork
from domain.vouchers import purchase


async def forget(uow: UnitOfWork, citizen_id: str, now: datetime) -> None:
    """Remove what links the citizen's data to them (see the module's docstring)."""
    linked = await uow.bindings.delete_of_citizen(citizen_id)
    by_operator: dict[str, list[str]] = {}
    for operator_id, account_hash in linked:
        by_operator.setdefault(operator_id, []).append(account_hash)
    for operator_id, hashes in sorted(by_operator.items()):
        await uow.trips.replace_open_taps(operator_id, hashes, [])

    for voucher_id in await uow.vouchers.issued_of_citizen(citizen_id):
        # redeemed or expired (and refunded) meanwhile: nothing left to cancel
        with suppress(Conflict, Gone):
            await purchase.cancel(uow, citizen_id, voucher_id, now)

    await uow.ledger.lock_accounts([citizen_account_id(citizen_id)])
    await uow.trips.erase_of_citizen(citizen_id, now)
    await uow.vouchers.forget_codes_of_citizen(citizen_id)
    await uow.complaints.blank_of_citizen(citizen_id)  # their words; the steps' dates stay
    await uow.idempotency.delete_of_owner(citizen_owner(citizen_id))
    await uow.institutions.leave_all(citizen_id, now)  # no longer counted as anyone's member
