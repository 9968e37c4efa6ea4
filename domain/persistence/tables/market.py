from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Date, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from domain.persistence.base import Base, PublicId


class ReferencePrice(Base):
    """A reference price per tonne (the national ETS price), as staff entered it. Never edited:
    a new price is a new row, and the latest entered is the one in force, so the history of what
    listings were checked against stays."""

    __tablename__ = "reference_prices"
    __table_args__ = (
        CheckConstraint("price_fen_per_t > 0", name="price_positive"),
        Index("ix_reference_prices_created", "created_at"),
    )

    id: Mapped[str] = mapped_column(PublicId(), primary_key=True)
    price_fen_per_t: Mapped[int] = mapped_column(BigInteger)
    as_of: Mapped[date] = mapped_column(Date)  # the trading day the price is from
    source: Mapped[str] = mapped_column(String(200))  # e.g. the national ETS closing price
    set_by: Mapped[str] = mapped_column(PublicId())
    created_at: Mapped[datetime]
