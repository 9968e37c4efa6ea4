from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from domain.persistence.base import Base, PublicId


class Offer(Base):
    """What a merchant sells for points. Live when approved and inside its validity window.

    `stock_left` only ever changes by a conditional UPDATE (never read-then-write), and the
    database refuses to let it go below zero.
    """

    __tablename__ = "offers"
    __table_args__ = (
        CheckConstraint("stock_left >= 0", name="stock_not_negative"),
        CheckConstraint("stock_left <= stock_total", name="stock_within_total"),
        CheckConstraint("points_price > 0", name="price_positive"),
        CheckConstraint("per_citizen_limit > 0", name="limit_positive"),
        CheckConstraint("voucher_days > 0", name="voucher_days_positive"),
        CheckConstraint("valid_until > valid_from", name="window_ordered"),
        Index("ix_offers_status_until", "status", "valid_until"),
    )

    id: Mapped[str] = mapped_column(PublicId(), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(PublicId(), ForeignKey("merchants.id"), index=True)
    title: Mapped[str] = mapped_column(String(128))
    description: Mapped[str] = mapped_column(String(2000), default="")
    points_price: Mapped[int] = mapped_column(Integer)
    stock_total: Mapped[int] = mapped_column(Integer)
    stock_left: Mapped[int] = mapped_column(Integer)
    per_citizen_limit: Mapped[int] = mapped_column(Integer)
    valid_from: Mapped[datetime]
    valid_until: Mapped[datetime]
    voucher_days: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))  # pending | approved | rejected | withdrawn
    created_by: Mapped[str] = mapped_column(String(26))
    decided_by: Mapped[str | None] = mapped_column(String(26))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
