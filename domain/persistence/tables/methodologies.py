from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.persistence.base import Base, PublicId


class MethodologyVersion(Base):
    """One version of a methodology. In force from effective_from until effective_until."""

    __tablename__ = "methodology_versions"
    __table_args__ = (UniqueConstraint("code", "version"),)

    id: Mapped[str] = mapped_column(PublicId(), primary_key=True)
    code: Mapped[str] = mapped_column(String(32), index=True)
    version: Mapped[int] = mapped_column(Integer)
    methodology_class: Mapped[str] = mapped_column(String(4))  # I | II
    # travel: the crediting formula's factors (params.py); project: a method organisations'
    # projects are registered under (project_params.py). A code's versions share one scope.
    scope: Mapped[str] = mapped_column(String(16), default="travel", server_default="travel")
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))  # draft | in_review | published | retired
    effective_from: Mapped[datetime | None]
    effective_until: Mapped[datetime | None]
    created_at: Mapped[datetime]
    published_at: Mapped[datetime | None]
