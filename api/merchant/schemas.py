from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec

from api.shared.keys import PublicKeyOut

Nonce = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]


class RedemptionIn(msgspec.Struct, forbid_unknown_fields=True):
    nonce: Nonce  # the scanning device's, unique per scan; a retry sends the same one
    token: Annotated[str, msgspec.Meta(max_length=512)] | None = None
    code: Annotated[str, msgspec.Meta(max_length=32)] | None = None
    scanned_at: datetime | None = None  # only for scans verified offline and uploaded later
    store_id: Annotated[str, msgspec.Meta(max_length=26)] | None = None


class OfferRef(msgspec.Struct):
    offer_id: str
    title: str


class StoreRef(msgspec.Struct):
    store_id: str
    name: str


class RedemptionOut(msgspec.Struct):
    voucher_id: str
    offer: OfferRef
    redeemed_at: datetime
    store: StoreRef | None
    points: int


class SettlementLine(msgspec.Struct):
    day: date
    offer_id: str
    title: str
    count: int
    points: int


class SettlementOut(msgspec.Struct):
    merchant_id: str
    month: str
    lines: list[SettlementLine]
    total_count: int
    total_points: int


class PublicKeysOut(msgspec.Struct):
    keys: list[PublicKeyOut]
    token_format: str


class RevokedOut(msgspec.Struct):
    voucher_id: str  # inside every token: match on it, as erased citizens' tokens are gone
    token: str | None  # None once the voucher's holder erased their account
    cancelled_at: datetime | None
    expires_at: datetime


class MerchantApplication(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=128)]
    contact_name: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    contact_phone: Annotated[str, msgspec.Meta(min_length=5, max_length=32)]
    address: Annotated[str, msgspec.Meta(max_length=256)] | None = None


class ApplicationOut(msgspec.Struct):
    merchant_id: str
    name: str
    status: str
    created_at: datetime
