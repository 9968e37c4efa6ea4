from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from api.schemas import Text32


class ConsentIn(msgspec.Struct, forbid_unknown_fields=True):
    version: Text32


class ConsentOut(msgspec.Struct):
    version: str
    given_at: datetime


class ExpiringPoints(msgspec.Struct):
    points: int
    expires_at: datetime


class PointsOut(msgspec.Struct):
    balance: int
    expiring: list[ExpiringPoints]  # lots expiring within 30 days
    lots: list[ExpiringPoints]  # every lot holding points, soonest expiry first


class ReductionsOut(msgspec.Struct):
    total_g: int
    today_g: int


class MeOut(msgspec.Struct):
    citizen_id: str
    consent: ConsentOut | None
    points: PointsOut
    reductions: ReductionsOut
    bindings_count: int


class BindingCodeIn(msgspec.Struct, forbid_unknown_fields=True):
    operator_id: str


class BindingCodeOut(msgspec.Struct):
    code: str
    expires_at: datetime
    operator_id: str


class BindingOut(msgspec.Struct):
    binding_id: str
    operator_id: str
    mode: str
    account_hint: str
    bound_at: datetime


class MethodologyRef(msgspec.Struct):
    code: str
    version: int


class TripOut(msgspec.Struct):
    trip_id: str
    operator_id: str
    mode: str
    started_at: datetime | None  # None once the citizen erased their account
    ended_at: datetime | None
    distance_m: int | None
    reduction_g: int
    points: int
    status: str
    reason: str | None
    methodology: MethodologyRef | None


class LedgerEntryOut(msgspec.Struct):
    entry_id: str
    kind: str
    points: int  # signed: positive in, negative out
    balance_after: int
    created_at: datetime
    ref: str | None
    seq: int
    hash: str


class OfferMerchant(msgspec.Struct):
    merchant_id: str
    name: str


class OfferOut(msgspec.Struct):
    offer_id: str
    merchant: OfferMerchant
    title: str
    description: str
    points_price: int
    stock_left: int
    per_citizen_limit: int
    valid_from: datetime
    valid_until: datetime
    voucher_days: int


class VoucherIn(msgspec.Struct, forbid_unknown_fields=True):
    offer_id: Annotated[str, msgspec.Meta(min_length=1, max_length=26)]


class VoucherOut(msgspec.Struct):
    voucher_id: str
    offer_id: str
    merchant_id: str
    # None for both once the holder erased their account (erasure drops codes and tokens)
    code: str | None  # shown as XXXXX-XXXXX; typed at the counter when a camera cannot scan
    token: str | None  # Ed25519-signed; the QR code encodes exactly this
    qr_url: str
    status: str  # issued | redeemed | expired | cancelled
    points: int
    expires_at: datetime
    created_at: datetime
    redeemed_at: datetime | None
    cancelled_at: datetime | None


class DonationIn(msgspec.Struct, forbid_unknown_fields=True):
    project_id: Annotated[str, msgspec.Meta(min_length=1, max_length=26)]
    units: Annotated[int, msgspec.Meta(ge=1, le=10_000)]


class DonationOut(msgspec.Struct):
    donation_id: str
    project_id: str
    units: int
    points: int
    created_at: datetime
