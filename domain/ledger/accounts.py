"""Ledger accounts as the rules see them: ids by owner, and a locked account's running state."""

from __future__ import annotations

from dataclasses import dataclass


def citizen_account_id(citizen_id: str) -> str:
    return f"cit:{citizen_id}"


@dataclass(slots=True)
class AccountState:
    """A locked account's running state; written back with `save_accounts` (not ORM-tracked)."""

    id: str
    balance: int
    entries: int
    head_hash: str
    reduction_g_total: int


@dataclass(slots=True)
class DayTotals:
    """What a citizen has been credited on one Shanghai day, as stored."""

    trips: int
    points: int
    reduction_g: int
