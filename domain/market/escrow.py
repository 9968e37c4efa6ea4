"""Moving units between a holder and a listing's own account (its escrow), and out to a buyer.

A listing's units wait in a holding account of their own (`lst:{listing_id}`, kind `registry`,
owned by the seller's organisation), so the seller cannot move or retire them while they are
listed, and the registry's invariants (balances equal open blocks) hold as for any account.
Units move in and out as registry transfers of Class I units (domain/registry/transfers.py
`move_units`, shared with transfers between organisations).
"""

from __future__ import annotations

from datetime import datetime

from domain.persistence.tables import RegistryAccount
from domain.persistence.uow import UnitOfWork
from domain.registry.accounts import REGISTRY_KIND


def escrow_account_id(listing_id: str) -> str:
    return f"lst:{listing_id}"


async def open_escrow(
    uow: UnitOfWork, listing_id: str, *, org_id: str | None, now: datetime
) -> RegistryAccount:
    account_id = escrow_account_id(listing_id)
    await uow.ledger.ensure_accounts([(account_id, REGISTRY_KIND, None)], now)
    account = RegistryAccount(
        id=account_id, org_id=org_id, kind="listing", name=f"listing {listing_id}", created_at=now
    )
    uow.registry.add_account(account)
    await uow.flush()
    return account
