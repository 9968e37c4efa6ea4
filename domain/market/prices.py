"""The reference price per tonne: the national ETS price staff enter with its trading day and
source. Listings are priced within a band around the latest one (DESIGN.md, the market)."""

from __future__ import annotations

from datetime import date, datetime

from domain.clock import shanghai_date
from domain.errors import InvalidInput, NotFound
from domain.governance.audit import Actor, record
from domain.ids import new_id
from domain.persistence.tables import ReferencePrice
from domain.persistence.uow import UnitOfWork

MAX_FEN_PER_T = (
    100_000_000  # 1,000,000 yuan a tonne: far above any carbon price, still a typo guard
)


async def set_price(
    uow: UnitOfWork, actor: Actor, *, price_fen_per_t: int, as_of: date, source: str, now: datetime
) -> ReferencePrice:
    """Enter a new reference price (the previous ones stay, as history)."""
    if not 0 < price_fen_per_t <= MAX_FEN_PER_T:
        raise InvalidInput(
            f"price_fen_per_t: 1 to {MAX_FEN_PER_T} fen a tonne",
            code="invalid_price",
            field="price_fen_per_t",
        )
    if as_of > shanghai_date(now):
        raise InvalidInput(
            "as_of: a trading day that has begun (Shanghai)", code="as_of_in_future", field="as_of"
        )
    source = source.strip()
    if not source:
        raise InvalidInput(
            "source: say where the price comes from", code="source_required", field="source"
        )
    before = await uow.market.latest_price()
    price = ReferencePrice(
        id=new_id(),
        price_fen_per_t=price_fen_per_t,
        as_of=as_of,
        source=source,
        set_by=actor.id,
        created_at=now,
    )
    uow.market.add_price(price)
    record(
        uow,
        actor,
        "market.reference_price",
        "reference_price",
        price.id,
        _summary(before) if before else None,
        _summary(price),
        now,
    )
    return price


async def current(uow: UnitOfWork) -> ReferencePrice:
    price = await uow.market.latest_price()
    if price is None:
        raise NotFound("no reference price has been entered yet", code="no_reference_price")
    return price


def _summary(p: ReferencePrice) -> dict[str, object]:
    return {"price_fen_per_t": p.price_fen_per_t, "as_of": p.as_of.isoformat(), "source": p.source}
