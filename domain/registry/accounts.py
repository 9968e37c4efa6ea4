"""Registry accounts: who holds units, by id convention, and opening an organisation's account.

Holding accounts are chained ledger accounts of kind `registry` whose balance counts tonnes; each
has a `registry_accounts` row naming its owner. Two belong to the platform (created by migration
0013): the public-behaviour account, where citizens' aggregated tonnes are issued, and the buffer.
Retired units rest in a system account (no chain, no cached balance, never a hot row), and issued
units come out of another, so every movement is a balanced posting.
"""

from __future__ import annotations

import re
from datetime import datetime

from domain.persistence.tables import RegistryAccount
from domain.persistence.uow import UnitOfWork

PUBLIC_BEHAVIOUR = "reg:public-behaviour"
BUFFER = "reg:buffer"
ISSUED_FROM = "sys:registry-issuance"  # the counter account of every issuance
RETIRED = "sys:registry-retired"  # where retired (and reserved) units rest
REGISTRY_KIND = "registry"  # ledger_accounts.kind of a holding account


def org_account_id(org_id: str) -> str:
    """An organisation's (first) holding account."""
    return f"reg:{org_id}"


def aggregation_project_code(methodology_code: str) -> str:
    """The project code of citizens' aggregated reductions under a methodology: `PB` and the
    code's letters and digits, e.g. NJ-GT -> PBNJGT."""
    return "PB" + re.sub(r"[^A-Z0-9]", "", methodology_code.upper())


async def open_org_account(
    uow: UnitOfWork, *, org_id: str, name: str, now: datetime
) -> RegistryAccount:
    """The organisation's holding account, created empty (its ledger account and its row)."""
    account_id = org_account_id(org_id)
    await uow.ledger.ensure_accounts([(account_id, REGISTRY_KIND, None)], now)
    account = RegistryAccount(
        id=account_id, org_id=org_id, kind="holding", name=name, created_at=now
    )
    uow.registry.add_account(account)
    await uow.flush()
    return account
