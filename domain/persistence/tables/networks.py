from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from domain.persistence.base import Base, PublicId


class OperatorNetwork(Base):
    """An operator's stations and line sequences (GTFS stops + line order), as JSON."""

    __tablename__ = "operator_networks"

    operator_id: Mapped[str] = mapped_column(
        PublicId(), ForeignKey("operators.id"), primary_key=True
    )
    revision: Mapped[int] = mapped_column(
        Integer
    )  # bumps on every import (process caches key on it)
    stops_count: Mapped[int] = mapped_column(Integer)
    lines_count: Mapped[int] = mapped_column(Integer)
    network: Mapped[dict[str, Any]] = mapped_column(JSON)
    imported_at: Mapped[datetime]
