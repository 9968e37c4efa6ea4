"""Request and response shapes of /v1/registry (holdings, transfers, retirements)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from litestar.params import HeaderParameter

from domain.registry.blocks import Block
from domain.registry.serials import unit_label

AccountId = Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
Quantity = Annotated[int, msgspec.Meta(ge=1, le=10**12)]
Serial = Annotated[str, msgspec.Meta(min_length=1, max_length=80)]
Serials = Annotated[list[Serial], msgspec.Meta(min_length=1, max_length=100)]
Purpose = Literal["carbon_neutrality", "event", "voluntary", "eco_compensation"]

# Optional to the schema so that a missing key is our own clear 422 (`idempotency_key_missing`).
IDEMPOTENCY_KEY = HeaderParameter(
    name="Idempotency-Key",
    required=False,
    max_length=128,
    description="required: unique per intended write; a replay returns the first response",
)


class HoldingOut(msgspec.Struct):
    block: str  # the block's label, NJ-{class}-{vintage}-{project}-{issuance_no}-{start}-{end}
    serial_start: str  # the first unit's full serial
    serial_end: str  # the last unit's full serial
    quantity: int
    vintage: int
    unit_class: str = msgspec.field(name="class")
    project_code: str
    issuance_no: int
    status: str  # active | reserved | retired


def holding_out(b: Block) -> HoldingOut:
    return HoldingOut(
        block=b.label,
        serial_start=unit_label(b.issuance, b.start),
        serial_end=unit_label(b.issuance, b.end),
        quantity=b.quantity,
        vintage=b.issuance.vintage,
        unit_class=b.issuance.unit_class,
        project_code=b.issuance.project_code,
        issuance_no=b.issuance.issuance_no,
        status=b.status,
    )


class TransferIn(msgspec.Struct, forbid_unknown_fields=True):
    from_account: AccountId
    to_account: AccountId
    quantity: Quantity
    serials: Serials | None = None  # block labels or unit serials; oldest vintage first if none


class TransferOut(msgspec.Struct):
    transfer_id: str
    from_account: str
    to_account: str
    quantity: int
    serial_ranges: list[str]
    created_at: datetime


class RetirementIn(msgspec.Struct, forbid_unknown_fields=True):
    account: AccountId
    quantity: Quantity
    beneficiary: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    purpose: Purpose
    details: Annotated[str, msgspec.Meta(max_length=2000)] = ""
    serials: Serials | None = None


class RetirementOut(msgspec.Struct):
    retirement_id: str
    account: str
    quantity: int
    beneficiary: str
    purpose: str
    details: str
    status: str
    serial_ranges: list[str]
    certificate_url: str
    created_at: datetime
