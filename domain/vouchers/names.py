"""Offer titles and store names by id, cached per process: neither changes once created, and the
counter's answer needs both on every scan."""

from __future__ import annotations

from domain.persistence.uow import UnitOfWork

MAX_ENTRIES = 10_000


class Names:
    def __init__(self) -> None:
        self._offers: dict[str, str] = {}
        self._stores: dict[str, str] = {}

    @staticmethod
    def _keep(cache: dict[str, str], key: str, value: str) -> None:
        if len(cache) >= MAX_ENTRIES:
            cache.clear()
        cache[key] = value

    async def offer_title(self, uow: UnitOfWork, offer_id: str) -> str:
        title = self._offers.get(offer_id)
        if title is None:
            title = await uow.vouchers.offer_title(offer_id) or ""
            self._keep(self._offers, offer_id, title)
        return title

    async def store_name(self, uow: UnitOfWork, store_id: str | None) -> str | None:
        if store_id is None:
            return None
        name = self._stores.get(store_id)
        if name is None:
            name = await uow.vouchers.store_name(store_id) or ""
            self._keep(self._stores, store_id, name)
        return name
