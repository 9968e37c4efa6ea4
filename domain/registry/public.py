"""What the public registry discloses of issuances and retirements, to anyone, without sign-in.

Only issued issuances and final (`retired`) retirements are public: a proposed issuance may
still be rejected and a pending retirement may still be released. Retirements show beneficiary,
purpose and details (the holder chose to publish them: that is what a retirement claims) with
the holding account and its organisation's name, never who signed the request.
"""

from __future__ import annotations

import msgspec

from domain.errors import InvalidInput, NotFound
from domain.persistence.tables import CarbonEvent, Issuance, Retirement
from domain.persistence.uow import UnitOfWork
from domain.registry.serials import Issuance as Prefix
from domain.registry.serials import SerialRange, parse_serial, serial_label


class PublicRetirement(msgspec.Struct, frozen=True, kw_only=True):
    retirement: Retirement
    organisation: str | None  # the holding organisation's name (None: a platform account)
    project_codes: list[str]
    event: CarbonEvent | None = None  # the carbon-neutral event it was made for, if any


def prefix_of(issuance: Issuance) -> Prefix:
    """The serial prefix of a stored, issued issuance."""
    if issuance.issuance_no is None:
        raise NotFound("this issuance is not issued", code="issuance_not_found")
    return Prefix(
        vintage=issuance.vintage,
        issuance_no=issuance.issuance_no,
        project_code=issuance.project_code,
        unit_class=issuance.unit_class,  # type: ignore[arg-type]  # "I" | "II" by constraint
    )


def issued_range(issuance: Issuance) -> str:
    """The label of everything the issuance created: serials 1..quantity."""
    return serial_label(SerialRange(issuance=prefix_of(issuance), start=1, end=issuance.quantity))


async def issuances(uow: UnitOfWork, *, before: str | None, limit: int) -> list[Issuance]:
    """Issued issuances, newest first (`limit` rows after the `before` keyset)."""
    return await uow.registry_public.issued(before=before, limit=limit)


async def retirements(uow: UnitOfWork, *, before: str | None, limit: int) -> list[PublicRetirement]:
    """Final retirements, newest first."""
    rows = await uow.registry_public.retired(before=before, limit=limit)
    return [_public(r, name) for r, name in rows]


async def retirement(uow: UnitOfWork, retirement_id: str) -> PublicRetirement:
    """One final retirement; a pending, released or unknown one is 404 alike."""
    row = await uow.registry_public.retirement(retirement_id)
    if row is None or row[0].status != "retired":
        raise NotFound("no such retirement", code="retirement_not_found")
    found = _public(*row)
    event = await uow.carbon_events.of_retirement(retirement_id)
    return msgspec.structs.replace(found, event=event) if event is not None else found


def _public(r: Retirement, organisation: str | None) -> PublicRetirement:
    codes = sorted({_project_code(label) for label in r.serial_ranges})
    return PublicRetirement(retirement=r, organisation=organisation, project_codes=codes)


def _project_code(label: str) -> str:
    try:
        return parse_serial(label).issuance.project_code
    except InvalidInput as exc:  # we wrote these labels: a bad one is our bug, not the caller's
        raise ValueError(f"stored serial range {label!r} does not parse") from exc
