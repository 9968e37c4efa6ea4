from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from domain.persistence.base import Base, PublicId


class OrgApplication(Base):
    """An organisation's application, as filed: pending until staff approve or reject it."""

    __tablename__ = "org_applications"
    __table_args__ = (Index("ix_org_applications_status_created", "status", "created_at"),)

    id: Mapped[str] = mapped_column(PublicId(), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    uscc: Mapped[str] = mapped_column(String(18), index=True)
    kind: Mapped[str] = mapped_column(String(24))  # enterprise | public_institution | ...
    district: Mapped[str | None] = mapped_column(String(32))
    contact: Mapped[dict[str, Any]] = mapped_column(JSON)  # {name, phone, email}
    status: Mapped[str] = mapped_column(String(16))  # pending | approved | rejected
    reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(PublicId())
    decided_at: Mapped[datetime | None]
    organisation_id: Mapped[str | None] = mapped_column(PublicId())
    created_at: Mapped[datetime]


class Organisation(Base):
    """An approved organisation: enterprise, public institution, event organiser or verifier."""

    __tablename__ = "organisations"

    id: Mapped[str] = mapped_column(PublicId(), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    kind: Mapped[str] = mapped_column(String(24))
    district: Mapped[str | None] = mapped_column(String(32))
    contact: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | suspended
    application_id: Mapped[str | None] = mapped_column(
        PublicId(), ForeignKey("org_applications.id")
    )
    created_at: Mapped[datetime]
