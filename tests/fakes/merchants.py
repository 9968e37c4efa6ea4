"""Merchants, their stores and their offers, in memory. Stock moves only by conditions."""

from __future__ import annotations

from datetime import datetime

from domain.persistence.tables import Merchant, Offer, Store
from tests.fakes.state import Stored, violation, with_defaults


class FakeMerchants(Stored):
    tables = ("rows", "store_rows")

    def __init__(self) -> None:
        self.rows: dict[str, Merchant] = {}
        self.store_rows: dict[str, Store] = {}

    def add(self, merchant: Merchant) -> None:
        self.rows[merchant.id] = with_defaults(merchant)

    def add_store(self, store: Store) -> None:
        if store.merchant_id not in self.rows:
            raise violation("FOREIGN KEY stores.merchant_id")
        self.store_rows[store.id] = store

    async def get(self, merchant_id: str) -> Merchant | None:
        return self.rows.get(merchant_id)

    async def store(self, store_id: str) -> Store | None:
        return self.store_rows.get(store_id)

    async def stores(self, merchant_id: str) -> list[Store]:
        return sorted(
            (s for s in self.store_rows.values() if s.merchant_id == merchant_id),
            key=lambda s: s.id,
        )


class FakeOffers(Stored):
    tables = ("rows",)

    def __init__(self, merchants: FakeMerchants) -> None:
        self.rows: dict[str, Offer] = {}
        self._merchants = merchants

    def add(self, offer: Offer) -> None:
        if offer.merchant_id not in self._merchants.rows:
            raise violation("FOREIGN KEY offers.merchant_id")
        if not 0 <= offer.stock_left <= offer.stock_total:
            raise violation("CHECK stock_within_total")
        self.rows[offer.id] = with_defaults(offer)

    async def get(self, offer_id: str) -> Offer | None:
        return self.rows.get(offer_id)

    async def live(self, now: datetime, *, after: str | None, limit: int) -> list[Offer]:
        rows = [
            o
            for o in self.rows.values()
            if o.status == "approved"
            and o.valid_from <= now < o.valid_until
            and self._merchants.rows[o.merchant_id].status == "approved"
            and (after is None or o.id > after)
        ]
        return sorted(rows, key=lambda o: o.id)[:limit]

    async def take_one(self, offer_id: str) -> int | None:
        """UPDATE ... SET stock_left = stock_left - 1 WHERE stock_left > 0 RETURNING stock_left."""
        offer = self.rows.get(offer_id)
        if offer is None or offer.stock_left <= 0:
            return None
        offer.stock_left -= 1
        return offer.stock_left

    async def put_back_one(self, offer_id: str) -> None:
        offer = self.rows.get(offer_id)
        if offer is not None and offer.stock_left < offer.stock_total:
            offer.stock_left += 1
