"""What an organisation's member sees of it: the organisation and its registry accounts with
their balance in tonnes (holdings per block are the registry's own endpoint)."""

from __future__ import annotations

import msgspec

from domain.errors import Forbidden, NotFound
from domain.persistence.tables import Organisation, RegistryAccount, Staff
from domain.persistence.uow import UnitOfWork


class Profile(msgspec.Struct, frozen=True):
    organisation: Organisation
    accounts: list[tuple[RegistryAccount, int]]  # with balance_t
    you: Staff | None = None  # the calling member (whether they manage the members)


async def profile(uow: UnitOfWork, org_id: str | None, staff_id: str | None = None) -> Profile:
    if org_id is None:
        raise Forbidden("this account belongs to no organisation", code="org_required")
    organisation = await uow.organisations.get(org_id)
    if organisation is None:
        raise NotFound("no such organisation", code="organisation_not_found")
    you = await uow.staff.get(staff_id) if staff_id else None
    return Profile(
        organisation=organisation,
        accounts=await uow.organisations.accounts(org_id),
        you=you if you is not None and you.org_id == org_id else None,
    )
