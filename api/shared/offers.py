"""Offers: the proposal merchants (and staff, for a merchant) submit, and the offer as both read
it back with its status."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from litestar.params import KwargDefinition

from api.schemas import Page
from domain.persistence.tables import Offer


class OfferProposal(msgspec.Struct, forbid_unknown_fields=True):
    title: Annotated[str, msgspec.Meta(min_length=1, max_length=128)]
    points_price: Annotated[int, msgspec.Meta(ge=1, le=10_000_000)]
    stock: Annotated[int, msgspec.Meta(ge=1, le=10_000_000)]
    valid_from: datetime
    valid_until: datetime
    description: Annotated[str, msgspec.Meta(max_length=2000)] = ""
    per_citizen_limit: Annotated[int, msgspec.Meta(ge=1, le=1000)] = 1
    voucher_days: Annotated[int, msgspec.Meta(ge=1, le=366)] = 30


class AdminOfferOut(msgspec.Struct):
    offer_id: str
    merchant_id: str
    title: str
    description: str
    points_price: int
    stock_total: int
    stock_left: int
    per_citizen_limit: int
    valid_from: datetime
    valid_until: datetime
    voucher_days: int
    status: str  # pending | approved | rejected | withdrawn
    created_by: str
    decided_by: str | None
    decided_at: datetime | None
    created_at: datetime


def admin_offer_out(o: Offer) -> AdminOfferOut:
    return AdminOfferOut(
        offer_id=o.id,
        merchant_id=o.merchant_id,
        title=o.title,
        description=o.description,
        points_price=o.points_price,
        stock_total=o.stock_total,
        stock_left=o.stock_left,
        per_citizen_limit=o.per_citizen_limit,
        valid_from=o.valid_from,
        valid_until=o.valid_until,
        voucher_days=o.voucher_days,
        status=o.status,
        created_by=o.created_by,
        decided_by=o.decided_by,
        decided_at=o.decided_at,
        created_at=o.created_at,
    )


# A page of offers, under the OpenAPI name it had when AdminOfferOut lived in api.admin.offers
# (Litestar names a generic component after its argument's module; clients' types carry it).
PAGE_NAME = "Page_api.admin.offers.AdminOfferOut_"
AdminOfferPage = Annotated[Page[AdminOfferOut], KwargDefinition(schema_component_key=PAGE_NAME)]
