"""/v1/public/units, /issuances and /retirements: the public registry (no sign-in)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import msgspec
from litestar import Controller, get

from api import cursors
from api.schemas import CURSOR, LIMIT, Page, page_of
from domain.persistence.tables import CarbonEvent, Issuance
from domain.persistence.uow import UnitOfWork
from domain.registry import history, public


class IssuanceOut(msgspec.Struct):
    issuance_id: str
    project_code: str
    issuance_no: int
    vintage: int
    unit_class: Literal["I", "II"]
    quantity: int  # tonnes
    serial_range: str  # NJ-{class}-{vintage}-{project}-{no}-1-{quantity}
    source: Literal["project", "aggregation"]
    issued_at: datetime


class RetirementEventOut(msgspec.Struct):
    """The carbon-neutral event a retirement was made for."""

    event_id: str
    name: str
    footprint_kg: int
    factor_set: str  # e.g. "EVT v1"
    tonnes_required: int
    url: str  # its public record


class RetirementOut(msgspec.Struct):
    retirement_id: str
    account_id: str
    organisation: str | None
    quantity: int
    beneficiary: str
    purpose: str
    details: str
    serial_ranges: list[str]
    project_codes: list[str]
    retired_at: datetime
    certificate_url: str
    certificate_json_url: str
    event: RetirementEventOut | None = None  # one retirement's view only (not the list)


class HoldingOut(msgspec.Struct):
    block_id: str
    serial_range: str  # the part of the block inside the asked range
    quantity: int
    account_id: str
    holder: str | None
    status: str  # active | reserved | retired


class EventOut(msgspec.Struct):
    movement_id: str
    kind: str  # issue | transfer | retire | complete | release
    at: datetime
    from_account: str | None
    from_name: str | None
    to_account: str
    to_name: str | None
    serial_ranges: list[str]
    quantity: int
    retirement_id: str | None


class UnitOut(msgspec.Struct):
    serials: str
    issuance: IssuanceOut
    holdings: list[HoldingOut]
    history: list[EventOut]
    history_complete: bool


def _issuance(i: Issuance) -> IssuanceOut:
    return IssuanceOut(
        issuance_id=i.id,
        project_code=i.project_code,
        issuance_no=i.issuance_no or 0,
        vintage=i.vintage,
        unit_class=i.unit_class,  # type: ignore[arg-type]
        quantity=i.quantity,
        serial_range=public.issued_range(i),
        source="aggregation" if i.aggregation_id else "project",
        issued_at=i.decided_at,  # type: ignore[arg-type]  # set when issued
    )


def _retirement(p: public.PublicRetirement) -> RetirementOut:
    r = p.retirement
    base = f"/v1/public/retirements/{r.id}"
    return RetirementOut(
        retirement_id=r.id,
        account_id=r.account_id,
        organisation=p.organisation,
        quantity=r.quantity,
        beneficiary=r.beneficiary,
        purpose=r.purpose,
        details=r.details,
        serial_ranges=list(r.serial_ranges),
        project_codes=p.project_codes,
        retired_at=r.retired_at,  # type: ignore[arg-type]  # set when retired
        certificate_url=f"{base}/certificate.pdf",
        certificate_json_url=f"{base}/certificate.json",
        event=None if p.event is None else _event(p.event),
    )


def _event(e: CarbonEvent) -> RetirementEventOut:
    return RetirementEventOut(
        event_id=e.id,
        name=e.name,
        footprint_kg=e.footprint_kg,
        factor_set=f"{e.factor_set_code} v{e.factor_set_version}",
        tonnes_required=e.tonnes_required,
        url=f"/v1/public/events/{e.id}",
    )


def _unit(v: history.UnitView) -> UnitOut:
    return UnitOut(
        serials=v.serials,
        issuance=_issuance(v.issuance),
        holdings=[
            HoldingOut(
                block_id=h.block.id,
                serial_range=h.label,
                quantity=h.quantity,
                account_id=h.block.account_id,
                holder=h.holder,
                status=h.block.status,
            )
            for h in v.holdings
        ],
        history=[
            EventOut(
                movement_id=e.movement.id,
                kind=e.movement.kind,
                at=e.movement.created_at,
                from_account=e.movement.from_account,
                from_name=e.from_name,
                to_account=e.movement.to_account,
                to_name=e.to_name,
                serial_ranges=e.serial_ranges,
                quantity=e.quantity,
                retirement_id=e.retirement_id,
            )
            for e in v.history
        ],
        history_complete=v.complete,
    )


class PublicRegistryController(Controller):
    path = "/v1/public"
    tags = ["public"]

    @get("/issuances", summary="Issued units: one serial block per issuance, newest first")
    async def issuances(
        self, uow: UnitOfWork, limit: int = LIMIT, cursor: str | None = CURSOR
    ) -> Page[IssuanceOut]:
        rows = await public.issuances(uow, before=cursors.decode_id(cursor), limit=limit + 1)
        return page_of([_issuance(i) for i in rows], limit, lambda i: cursors.encode(i.issuance_id))

    @get("/retirements", summary="Final retirements with beneficiary and purpose, newest first")
    async def retirements(
        self, uow: UnitOfWork, limit: int = LIMIT, cursor: str | None = CURSOR
    ) -> Page[RetirementOut]:
        rows = await public.retirements(uow, before=cursors.decode_id(cursor), limit=limit + 1)
        return page_of(
            [_retirement(p) for p in rows], limit, lambda r: cursors.encode(r.retirement_id)
        )

    @get("/retirements/{retirement_id:str}", summary="One final retirement")
    async def retirement(self, retirement_id: str, uow: UnitOfWork) -> RetirementOut:
        return _retirement(await public.retirement(uow, retirement_id))

    @get("/units/{serial:str}", summary="The blocks holding a serial (or range) and its history")
    async def unit(self, serial: str, uow: UnitOfWork) -> UnitOut:
        return _unit(await history.unit(uow, serial))


CONTROLLERS: list[type] = [PublicRegistryController]
