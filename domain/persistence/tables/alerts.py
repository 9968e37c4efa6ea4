"""Supervision alerts: what a detector found, with its evidence, and what staff did about it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from domain.persistence.base import Base, PublicId


class Alert(Base):
    """One finding. `dedupe_key` (kind, subject, window) is unique, so a detector that runs twice
    over the same window raises one alert. open -> acknowledged -> resolved (or open -> resolved).
    """

    __tablename__ = "alerts"
    __table_args__ = (Index("ix_alerts_status_raised", "status", "raised_at"),)

    id: Mapped[str] = mapped_column(PublicId(), primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    subject_type: Mapped[str] = mapped_column(String(32))  # operator | citizen | store | ...
    subject_id: Mapped[str] = mapped_column(String(64))
    summary: Mapped[str] = mapped_column(String(300))
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))  # open | acknowledged | resolved
    raised_at: Mapped[datetime]
    acknowledged_by: Mapped[str | None] = mapped_column(String(64))
    acknowledged_at: Mapped[datetime | None]
    acknowledge_note: Mapped[str | None] = mapped_column(Text)
    resolved_by: Mapped[str | None] = mapped_column(String(64))
    resolved_at: Mapped[datetime | None]
    resolution: Mapped[str | None] = mapped_column(Text)
