from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from domain.persistence.base import Base, PublicId


class Adjustment(Base):
    """A manual points correction: one staff member proposes, a different one decides."""

    __tablename__ = "adjustments"
    __table_args__ = (
        CheckConstraint("points <> 0", name="points_not_zero"),
        CheckConstraint("decided_by IS NULL OR decided_by <> proposed_by", name="four_eyes"),
    )

    id: Mapped[str] = mapped_column(PublicId(), primary_key=True)
    citizen_id: Mapped[str] = mapped_column(PublicId(), ForeignKey("citizens.id"), index=True)
    points: Mapped[int] = mapped_column(Integer)  # signed: + credit, - debit
    reason: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16))  # proposed | approved | rejected
    proposed_by: Mapped[str] = mapped_column(String(26))
    proposed_at: Mapped[datetime]
    decided_by: Mapped[str | None] = mapped_column(String(26))
    decided_at: Mapped[datetime | None]
    posting_id: Mapped[str | None] = mapped_column(PublicId())
