"""Deals struck on the public resource trading centre's own floor, settled here."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from domain.persistence.base import Base, PublicId


class ExchangeDeal(Base):
    """One deal the trading centre (an operator of kind `exchange`) settled: the units moved
    seller -> buyer by one registry transfer (`movement_id`). The money changed hands on the
    centre's side: nothing of it is posted here. `(exchange_id, deal_id)` is unique, so a deal
    sent again is answered, never settled twice. The row is written before the units move, in
    the same transaction, so `movement_id` is empty only inside that transaction."""

    __tablename__ = "exchange_deals"
    __table_args__ = (
        CheckConstraint("quantity > 0 AND price_fen_per_t > 0 AND amount_fen > 0", name="amounts"),
        UniqueConstraint("exchange_id", "deal_id"),
        Index("ix_exchange_deals_dealt", "dealt_at"),
    )

    id: Mapped[str] = mapped_column(PublicId(), primary_key=True)  # the settlement id
    exchange_id: Mapped[str] = mapped_column(PublicId(), ForeignKey("operators.id"))
    deal_id: Mapped[str] = mapped_column(String(64))  # the centre's own id of the deal
    seller_account: Mapped[str] = mapped_column(String(40), ForeignKey("registry_accounts.id"))
    buyer_account: Mapped[str] = mapped_column(String(40), ForeignKey("registry_accounts.id"))
    quantity: Mapped[int] = mapped_column(BigInteger)  # whole tonnes
    price_fen_per_t: Mapped[int] = mapped_column(BigInteger)
    amount_fen: Mapped[int] = mapped_column(BigInteger)  # quantity x price, paid at the centre
    dealt_at: Mapped[datetime]
    movement_id: Mapped[str | None] = mapped_column(PublicId())  # the registry transfer
    serial_ranges: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime]
