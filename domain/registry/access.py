"""Who may see and move a registry account.

Members of an organisation (roles org and verifier) see and move their organisation's accounts
only; staff (admin, operations) move the platform's accounts; staff (admin, operations, auditor)
see every account.
"""

from __future__ import annotations

from domain.errors import Conflict, Forbidden, NotFound
from domain.identity.principal import Principal, Role
from domain.persistence.tables import RegistryAccount
from domain.persistence.uow import UnitOfWork

MEMBERS = frozenset({Role.ORG, Role.VERIFIER})
STAFF_MOVERS = frozenset({Role.ADMIN, Role.OPERATIONS})
STAFF_READERS = frozenset({Role.ADMIN, Role.OPERATIONS, Role.AUDITOR})


def _member_of(principal: Principal, account: RegistryAccount) -> bool:
    return (
        principal.kind == "staff"
        and principal.role in MEMBERS
        and principal.org_id is not None
        and principal.org_id == account.org_id
    )


async def account(uow: UnitOfWork, account_id: str, *, field: str) -> RegistryAccount:
    found = await uow.registry.account(account_id)
    if found is None:
        raise NotFound(f"{field}: no such registry account", code="account_not_found", field=field)
    return found


def check_may_see(principal: Principal, account: RegistryAccount) -> None:
    if _member_of(principal, account):
        return
    if principal.kind == "staff" and principal.role in STAFF_READERS:
        return
    raise Forbidden("this account is not yours to see", code="account_not_yours")


def check_may_move(principal: Principal, account: RegistryAccount, *, field: str) -> None:
    if account.kind == "listing":  # moved only by the market: sold, or returned on withdrawal
        raise Conflict(
            f"{field}: these units are listed on the market; withdraw the listing to move them",
            code="units_listed",
            field=field,
        )
    if _member_of(principal, account):
        return
    if account.org_id is None and principal.kind == "staff" and principal.role in STAFF_MOVERS:
        return
    raise Forbidden(
        f"{field}: only its organisation's members may move units of this account",
        code="account_not_yours",
        field=field,
    )


def mover(principal: Principal) -> str:
    """How movements name who made them."""
    return f"{principal.role or principal.kind}:{principal.id}"
