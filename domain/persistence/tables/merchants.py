from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from domain.persistence.base import Base, PublicId


class Merchant(Base):
    """An alliance merchant (the economy builds stores and offers on it)."""

    __tablename__ = "merchants"

    id: Mapped[str] = mapped_column(PublicId(), primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16), default="approved")
    created_at: Mapped[datetime]
